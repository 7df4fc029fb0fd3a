using LeoPass.Recovery.Backup;
using LeoPass.Recovery.Core.Configuration;
using LeoPass.Recovery.Core.Secrets;
using LeoPass.Recovery.Runbook;
using LeoPass.Recovery.Engine.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LeoPass.Recovery.Cli.Commands;

/// <summary>How a CLI process takes part in the engine.</summary>
internal enum EngineRole
{
    /// <summary>Reads state and schedules work; executes nothing (run status, run retry, …).</summary>
    Client,
    /// <summary>A node that executes runs and fires cron definitions until stopped (`server`).</summary>
    Server,
    /// <summary>A node for the life of one command (`run start --wait` with no server up).</summary>
    TemporaryNode,
}

/// <summary>Builds the generic host the engine runs in, the same way for every command.</summary>
internal static class EngineHostBuilder
{
    /// <param name="publishDefinitions">
    /// Read workflows/ and publish it at start. Only what starts runs needs it (server, run
    /// start); reading and steering existing runs works on the versions they pinned.
    /// </param>
    public static IHost Build(EngineRole role, bool publishDefinitions = true)
    {
        var settings = RecoverySettings.FromProcessEnvironment();
        settings.RequireRecoveryDatabase();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        // Commands print their own results on stdout; the engine's log goes to stderr, and only the server is chatty.
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(role == EngineRole.Server ? LogLevel.Information : LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);
        builder.Logging.AddFilter("Quartz", LogLevel.Warning);
        // A failed start is reported once, as the command's one-line error, not as a logged stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        AddEngine(builder, role, settings, publishDefinitions);
        return builder.Build();
    }

    /// <summary>
    /// The engine, the backup services and the product's activities, configured from the
    /// environment, in any host: the generic host of `run` commands or the `server` command's
    /// WebApplication.
    /// </summary>
    public static void AddEngine(IHostApplicationBuilder builder, EngineRole role, RecoverySettings settings, bool publishDefinitions = true)
    {
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(15));
        SecretRedactor.Shared.AddRange(settings.Secrets());
        builder.Services.AddSingleton(settings).AddSingleton(SecretRedactor.Shared).AddHttpClient();
        builder.Services.AddBackup().AddRunbookActivities();
        builder.AddRecoveryEngine(settings, o =>
        {
            o.ExecutesRuns = role != EngineRole.Client;
            // Installations (and tests) sharing one database keep their clusters apart by scheduler name.
            if (Environment.GetEnvironmentVariable("LEOPASS_SCHEDULER_NAME") is { Length: > 0 } schedulerName) o.SchedulerName = schedulerName;
            o.WorkflowsDirectory = publishDefinitions ? WorkflowsDirectory() : null;
            // Built-in diagnostics activities (sleep, fail-until, noop) for tests and benchmarks; never on by default.
            o.EnableDiagnosticActivities = Environment.GetEnvironmentVariable("LEOPASS_ENABLE_TEST_ACTIVITIES") == "1";
        });
    }

    /// <summary>LEOPASS_WORKFLOWS_DIR, else workflows/ of the repository the CLI was started from, else ./workflows.</summary>
    public static string? WorkflowsDirectory()
    {
        if (Environment.GetEnvironmentVariable("LEOPASS_WORKFLOWS_DIR") is { Length: > 0 } explicitDirectory) return Path.GetFullPath(explicitDirectory);
        foreach (var root in new[] { Environment.GetEnvironmentVariable("LEOPASS_REPO_ROOT"), Directory.GetCurrentDirectory() })
        {
            if (root is { Length: > 0 } && Directory.Exists(Path.Combine(root, "workflows"))) return Path.Combine(root, "workflows");
        }
        return null;
    }
}
