using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LeoPass.Recovery.Backup.Catalogue.Migrations
{
    /// <inheritdoc />
    public partial class PitrWalSegmentsAndBaseBackups : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "base_backups",
                schema: "catalogue",
                columns: table => new
                {
                    key = table.Column<string>(type: "text", nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ended_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    start_lsn = table.Column<long>(type: "bigint", nullable: false),
                    end_lsn = table.Column<long>(type: "bigint", nullable: false),
                    timeline = table.Column<int>(type: "integer", nullable: false),
                    start_segment = table.Column<string>(type: "text", nullable: false),
                    end_segment = table.Column<string>(type: "text", nullable: false),
                    stored_bytes = table.Column<long>(type: "bigint", nullable: false),
                    tar_bytes = table.Column<long>(type: "bigint", nullable: false),
                    sha256 = table.Column<string>(type: "text", nullable: false),
                    system_identifier = table.Column<string>(type: "text", nullable: false),
                    manifest_json = table.Column<string>(type: "jsonb", nullable: false),
                    last_restored_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    pruned_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_base_backups", x => x.key);
                });

            migrationBuilder.CreateTable(
                name: "wal_segments",
                schema: "catalogue",
                columns: table => new
                {
                    key = table.Column<string>(type: "text", nullable: false),
                    file_name = table.Column<string>(type: "text", nullable: false),
                    timeline = table.Column<int>(type: "integer", nullable: false),
                    segment_number = table.Column<long>(type: "bigint", nullable: true),
                    start_lsn = table.Column<long>(type: "bigint", nullable: true),
                    end_lsn = table.Column<long>(type: "bigint", nullable: true),
                    completed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    shipped_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    stored_bytes = table.Column<long>(type: "bigint", nullable: false),
                    sha256 = table.Column<string>(type: "text", nullable: false),
                    system_identifier = table.Column<string>(type: "text", nullable: false),
                    manifest_json = table.Column<string>(type: "jsonb", nullable: false),
                    pruned_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_wal_segments", x => x.key);
                });

            migrationBuilder.CreateTable(
                name: "wal_streams",
                schema: "catalogue",
                columns: table => new
                {
                    source = table.Column<string>(type: "text", nullable: false),
                    node = table.Column<string>(type: "text", nullable: false),
                    leased_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    heartbeat_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    caught_up_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    queued_segments = table.Column<int>(type: "integer", nullable: false),
                    slot_retained_bytes = table.Column<long>(type: "bigint", nullable: true),
                    last_error = table.Column<string>(type: "text", nullable: true),
                    last_error_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_wal_streams", x => x.source);
                });

            migrationBuilder.CreateIndex(
                name: "ix_base_backups_started_at",
                schema: "catalogue",
                table: "base_backups",
                column: "started_at");

            migrationBuilder.CreateIndex(
                name: "ix_wal_segments_completed_at",
                schema: "catalogue",
                table: "wal_segments",
                column: "completed_at");

            migrationBuilder.CreateIndex(
                name: "ix_wal_segments_timeline_file_name",
                schema: "catalogue",
                table: "wal_segments",
                columns: new[] { "timeline", "file_name" },
                unique: true,
                filter: "pruned_at IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "base_backups",
                schema: "catalogue");

            migrationBuilder.DropTable(
                name: "wal_segments",
                schema: "catalogue");

            migrationBuilder.DropTable(
                name: "wal_streams",
                schema: "catalogue");
        }
    }
}
