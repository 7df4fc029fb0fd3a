using LeoPass.Recovery.Core.Configuration;
using LeoPass.Recovery.Engine.Activities.Diagnostics;
using LeoPass.Recovery.Engine.Activities;
using LeoPass.Recovery.Engine.Definitions;
using LeoPass.Recovery.Engine.Execution;
using LeoPass.Recovery.Engine.Journal;
using LeoPass.Recovery.Engine.Nodes;
using LeoPass.Recovery.Engine.Scheduling;
using LeoPass.Recovery.Engine.Signals;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Quartz;

namespace LeoPass.Recovery.Engine.Hosting;

public static class EngineServiceCollectionExtensions
{
    /// <summary>Quartz tables live in the engine schema with the usual qrtz_ prefix.</summary>
    public const string QuartzTablePrefix = "engine.qrtz_";

    /// <summary>
    /// The engine in any host — the `server` command's generic host, the CLI, or an ASP.NET Core
    /// WebApplication (its builder is an <see cref="IHostApplicationBuilder"/> too). Registers
    /// persistence, definitions, the run operations and, when <see cref="EngineOptions.ExecutesRuns"/>,
    /// a clustered Quartz scheduler that executes runs and fires cron definitions. At start the
    /// host migrates the database and publishes the definitions of <see cref="EngineOptions.WorkflowsDirectory"/>.
    /// Activities are registered separately with <see cref="ActivityServiceCollectionExtensions.AddActivity{TActivity}"/>.
    /// </summary>
    public static IHostApplicationBuilder AddRecoveryEngine(this IHostApplicationBuilder builder, RecoverySettings settings, Action<EngineOptions>? configure = null)
    {
        builder.Services.AddRecoveryEngine(settings, configure);
        return builder;
    }

    public static IServiceCollection AddRecoveryEngine(this IServiceCollection services, RecoverySettings settings, Action<EngineOptions>? configure = null)
    {
        var connectionString = settings.RequireRecoveryDatabase();
        var options = new EngineOptions
        {
            ClusterCheckinInterval = settings.Cluster.CheckinInterval,
            ClusterCheckinMisfireThreshold = settings.Cluster.CheckinMisfireThreshold,
            IdleWaitTime = settings.Cluster.PollInterval,
        };
        configure?.Invoke(options);

        services.AddSingleton(options);
        services.AddSingleton(new NodeIdentity(options.NodeId));
        services.AddSingleton(new EngineConnection(connectionString));
        services.TryAddSingleton(TimeProvider.System);
        services.AddPooledDbContextFactory<EngineDbContext>(o => EngineDbContext.Configure(o, connectionString));

        services.AddSingleton<ActivityRegistry>();
        services.AddSingleton(sp => new DefinitionLoader(sp.GetRequiredService<ActivityRegistry>(), options.Variables));
        services.AddSingleton<DefinitionCatalog>();
        services.AddSingleton<DefinitionDrafts>();
        services.AddSingleton<ActiveRuns>();
        services.AddSingleton<RunObservers>();
        services.AddSingleton<FollowerRuns>();
        services.AddSingleton<IRunObserver>(sp => sp.GetRequiredService<FollowerRuns>());
        services.AddSingleton<RunChanges>();
        services.AddSingleton<RunJournalWriter>();
        services.AddMetrics();
        services.AddSingleton<EngineMetrics>();
        services.AddSingleton<RunExecutor>();
        services.AddSingleton<StepSettingsCheck>();
        services.AddSingleton<RunOperations>();
        services.AddSingleton<DryRun>();
        services.AddSingleton<RunQueries>();
        services.AddSingleton<RunStatistics>();
        services.AddSingleton<AuditTrail>();
        services.AddSingleton<RunLocks>();
        services.AddSingleton<IRunDispatcher, QuartzRunDispatcher>();
        services.AddSingleton<CronTriggers>();
        services.AddSingleton<ClusterNodes>();
        services.AddSingleton<RunSignals>();
        services.AddSingleton<SchedulerWake>();
        if (options.EnableDiagnosticActivities)
        {
            services.AddActivity<NoOpActivity>();
            services.AddActivity<EchoActivity>();
            services.AddActivity<SleepActivity>();
            services.AddActivity<FailUntilActivity>();
        }

        services.AddQuartz(q =>
        {
            q.ConfigureScheduler(s =>
            {
                s.InstanceName = options.SchedulerName;
                s.InstanceId = options.NodeId;
                s.IdleWaitTime = options.IdleWaitTime;
                s.MaxBatchSize = options.MaxConcurrentRuns;
                // A stop cancels the running jobs and waits for them (see AddQuartzHostedService below).
                s.ShutdownJobInterruption = ShutdownJobInterruption.WhenWaitingForJobs;
            });
            q.UseDefaultThreadPool(options.MaxConcurrentRuns);
            q.UsePersistentStore(store =>
            {
                store.UsePostgres(connectionString);
                store.UseClustering(c =>
                {
                    c.CheckinInterval = options.ClusterCheckinInterval;
                    c.CheckinMisfireThreshold = options.ClusterCheckinMisfireThreshold;
                });
                store.UseSystemTextJsonSerializer();
                store.ConfigureStore(s =>
                {
                    s.TablePrefix = QuartzTablePrefix;
                    // Our migrations own the schema; Quartz only checks it.
                    s.SchemaProvisioning = SchemaProvisioning.Validate;
                    // A node stopping mid-run hands its firing back instead of dropping it.
                    s.RecoverFiringsCancelledByShutdown = true;
                });
            });
        });
        services.AddHostedService<EngineStartup>();
        if (options.ExecutesRuns && options.RunsScheduler)
        {
            services.AddHostedService<FollowerCatchUp>();
            // Running activities are cancelled at shutdown (journaled Interrupted, handed to another node): a pg_restore must not hold a deploy for an hour.
            // The stop waits for the cancelled jobs to unwind (milliseconds) so that their completion reaches the
            // job store: a stop that did not wait left each running job's fired-trigger row behind, which the next
            // node's first check-in took for a crashed instance ("detected 1 failed or restarted instances") and
            // replayed, although the job had already handed its run back.
            services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
            services.AddSingleton<RunSignalListener>();
            services.AddHostedService(sp => sp.GetRequiredService<RunSignalListener>());
            services.AddHostedService<OrphanedRunSweep>();
        }
        return services;
    }
}
