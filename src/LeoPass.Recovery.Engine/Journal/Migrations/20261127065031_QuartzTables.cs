using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LeoPass.Recovery.Engine.Journal.Migrations
{
    /// <summary>
    /// The tables of Quartz.NET 4.7's ADO job store (PostgreSQL delegate, table prefix
    /// <c>engine.qrtz_</c>). Quartz never creates them in our configuration (SchemaProvisioning
    /// .Validate): the database is created one way only, by these migrations. Column names and
    /// types are the ones Quartz 4.7 reads and writes; times are UTC ticks, intervals milliseconds.
    /// Upgrading Quartz means a new migration with the columns its release notes add.
    /// </summary>
    public partial class QuartzTables : Migration
    {
        private const string Create = """
            create table engine.qrtz_job_details (
              sched_name text not null, job_name text not null, job_group text not null,
              description text, job_class_name text not null,
              is_durable boolean not null, is_nonconcurrent boolean not null, is_update_data boolean not null,
              requests_recovery boolean not null, job_data bytea,
              constraint qrtz_job_details_pkey primary key (sched_name, job_name, job_group));

            create table engine.qrtz_triggers (
              sched_name text not null, trigger_name text not null, trigger_group text not null,
              job_name text not null, job_group text not null, description text,
              next_fire_time bigint, prev_fire_time bigint, priority integer,
              trigger_state text not null, trigger_type text not null,
              start_time bigint not null, end_time bigint, calendar_name text,
              misfire_instr smallint, misfire_orig_fire_time bigint,
              execution_group varchar(200), preferred_node varchar(200), preferred_node_auto boolean not null default false,
              retry_policy varchar(250), retry_attempt integer,
              continues_trigger_name text, continues_trigger_group text, continuation_condition integer,
              overlap_policy integer, pause_reason varchar(250), paused_by varchar(200), paused_at bigint,
              misfire_threshold bigint, fixed_delay boolean, job_data bytea,
              constraint qrtz_triggers_pkey primary key (sched_name, trigger_name, trigger_group),
              constraint qrtz_triggers_job_fkey foreign key (sched_name, job_name, job_group)
                references engine.qrtz_job_details (sched_name, job_name, job_group));

            create table engine.qrtz_simple_triggers (
              sched_name text not null, trigger_name text not null, trigger_group text not null,
              repeat_count bigint not null, repeat_interval bigint not null, times_triggered bigint not null,
              constraint qrtz_simple_triggers_pkey primary key (sched_name, trigger_name, trigger_group),
              constraint qrtz_simple_triggers_trigger_fkey foreign key (sched_name, trigger_name, trigger_group)
                references engine.qrtz_triggers (sched_name, trigger_name, trigger_group) on delete cascade);

            create table engine.qrtz_cron_triggers (
              sched_name text not null, trigger_name text not null, trigger_group text not null,
              cron_expression text not null, time_zone_id text,
              constraint qrtz_cron_triggers_pkey primary key (sched_name, trigger_name, trigger_group),
              constraint qrtz_cron_triggers_trigger_fkey foreign key (sched_name, trigger_name, trigger_group)
                references engine.qrtz_triggers (sched_name, trigger_name, trigger_group) on delete cascade);

            create table engine.qrtz_simprop_triggers (
              sched_name text not null, trigger_name text not null, trigger_group text not null,
              str_prop_1 text, str_prop_2 text, str_prop_3 text,
              int_prop_1 integer, int_prop_2 integer, long_prop_1 bigint, long_prop_2 bigint,
              dec_prop_1 numeric, dec_prop_2 numeric, bool_prop_1 boolean, bool_prop_2 boolean,
              time_zone_id text,
              constraint qrtz_simprop_triggers_pkey primary key (sched_name, trigger_name, trigger_group),
              constraint qrtz_simprop_triggers_trigger_fkey foreign key (sched_name, trigger_name, trigger_group)
                references engine.qrtz_triggers (sched_name, trigger_name, trigger_group) on delete cascade);

            create table engine.qrtz_blob_triggers (
              sched_name text not null, trigger_name text not null, trigger_group text not null, blob_data bytea,
              constraint qrtz_blob_triggers_pkey primary key (sched_name, trigger_name, trigger_group),
              constraint qrtz_blob_triggers_trigger_fkey foreign key (sched_name, trigger_name, trigger_group)
                references engine.qrtz_triggers (sched_name, trigger_name, trigger_group) on delete cascade);

            create table engine.qrtz_calendars (
              sched_name text not null, calendar_name text not null, calendar bytea not null,
              constraint qrtz_calendars_pkey primary key (sched_name, calendar_name));

            create table engine.qrtz_paused_trigger_grps (
              sched_name text not null, trigger_group text not null,
              pause_reason varchar(250), paused_by varchar(200), paused_at bigint,
              constraint qrtz_paused_trigger_grps_pkey primary key (sched_name, trigger_group));

            create table engine.qrtz_paused_job_grps (
              sched_name text not null, job_group text not null,
              pause_reason varchar(250), paused_by varchar(200), paused_at bigint,
              constraint qrtz_paused_job_grps_pkey primary key (sched_name, job_group));

            create table engine.qrtz_fired_triggers (
              sched_name text not null, entry_id text not null,
              trigger_name text not null, trigger_group text not null, instance_name text not null,
              fired_time bigint not null, sched_time bigint not null, priority integer not null, state text not null,
              job_name text, job_group text, is_nonconcurrent boolean not null, requests_recovery boolean,
              execution_group varchar(200), progress integer, progress_message varchar(250), interrupt_requested_time bigint,
              constraint qrtz_fired_triggers_pkey primary key (sched_name, entry_id));

            create table engine.qrtz_scheduler_state (
              sched_name text not null, instance_name text not null,
              last_checkin_time bigint not null, checkin_interval bigint not null, quartz_version varchar(20),
              constraint qrtz_scheduler_state_pkey primary key (sched_name, instance_name));

            create table engine.qrtz_locks (
              sched_name text not null, lock_name text not null,
              constraint qrtz_locks_pkey primary key (sched_name, lock_name));

            -- The lookups the job store makes on every acquisition, firing and recovery.
            create index qrtz_job_details_group_name_idx on engine.qrtz_job_details (sched_name, job_group, job_name);
            create index qrtz_triggers_job_idx on engine.qrtz_triggers (sched_name, job_name, job_group);
            create index qrtz_triggers_group_name_idx on engine.qrtz_triggers (sched_name, trigger_group, trigger_name);
            create index qrtz_triggers_calendar_idx on engine.qrtz_triggers (sched_name, calendar_name);
            create index qrtz_triggers_acquire_idx on engine.qrtz_triggers (sched_name, trigger_state, next_fire_time asc, priority desc, misfire_instr);
            create index qrtz_fired_triggers_recovery_idx on engine.qrtz_fired_triggers (sched_name, instance_name, requests_recovery);
            create index qrtz_fired_triggers_job_idx on engine.qrtz_fired_triggers (sched_name, job_name, job_group);
            create index qrtz_fired_triggers_trigger_idx on engine.qrtz_fired_triggers (sched_name, trigger_name, trigger_group);
            """;

        private const string Drop = """
            drop table if exists engine.qrtz_fired_triggers, engine.qrtz_paused_trigger_grps, engine.qrtz_paused_job_grps,
              engine.qrtz_scheduler_state, engine.qrtz_locks, engine.qrtz_simprop_triggers, engine.qrtz_simple_triggers,
              engine.qrtz_cron_triggers, engine.qrtz_blob_triggers, engine.qrtz_triggers, engine.qrtz_job_details,
              engine.qrtz_calendars;
            """;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(Create);

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(Drop);
    }
}
