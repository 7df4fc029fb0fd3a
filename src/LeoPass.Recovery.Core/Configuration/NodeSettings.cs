namespace LeoPass.Recovery.Core.Configuration;

/// <summary>
/// How this process takes part in an installation: where it listens, which cluster it joins,
/// where it reads workflow definitions and finds the PostgreSQL tools, and who acts when a
/// person types a command.
/// </summary>
public sealed record NodeSettings
{
    public const string DefaultListenUrl = "http://127.0.0.1:8080";
    public const string DefaultSchedulerName = "leopass-recovery";

    /// <summary>LEOPASS_LISTEN_URL: where the server's HTTP API and console listen (Kestrel's forms; port 0 picks one).</summary>
    public string ListenUrl { get; init; } = DefaultListenUrl;

    /// <summary>LEOPASS_PUBLIC_URL: the console's address as people reach it, so alerts and reports can link to a run.</summary>
    public Uri? PublicUrl { get; init; }

    /// <summary>LEOPASS_SCHEDULER_NAME: shared by the nodes of one installation; installations sharing a database keep apart by it.</summary>
    public string SchedulerName { get; init; } = DefaultSchedulerName;

    /// <summary>LEOPASS_WORKFLOWS_DIR, else workflows/ of the checkout the CLI runs from; null when there is none.</summary>
    public string? WorkflowsDirectory { get; init; }

    /// <summary>LEOPASS_ENABLE_TEST_ACTIVITIES: registers the diagnostics.* activities (sleep, fail-until, noop) for tests and benchmarks.</summary>
    public bool EnableTestActivities { get; init; }

    /// <summary>LEOPASS_OPERATOR: who a person at the CLI is in the audit trail (default cli:&lt;OS user&gt;).</summary>
    public string? Operator { get; init; }

    /// <summary>LEOPASS_DEBUG: failures print their stack trace after the one-line error.</summary>
    public bool Debug { get; init; }

    /// <summary>LEOPASS_LOG_LEVEL: Debug, Information or Warning; unset, the server logs from Information and a command from Warning.</summary>
    public Microsoft.Extensions.Logging.LogLevel? LogLevel { get; init; }

    /// <summary>PG_BIN_DIR: where pg_dump and pg_restore live, to match the server's major version; null uses PATH.</summary>
    public string? PostgresBinDirectory { get; init; }

    /// <summary>LEOPASS_METRICS_TOKEN_REQUIRED: /metrics asks for a viewer token (default: served without one, as Prometheus scrapes usually are on a private network).</summary>
    public bool MetricsTokenRequired { get; init; }

    /// <summary>LEOPASS_WATCHDOG_INTERVAL: how often the cluster's watchdog looks at the newest recovery point's age (and the predicted RTO).</summary>
    public TimeSpan WatchdogInterval { get; init; } = TimeSpan.FromMinutes(1);

    internal static NodeSettings Read(EnvironmentReader env) => new()
    {
        ListenUrl = ListenUrlOf(env),
        PublicUrl = env.HttpUrl("LEOPASS_PUBLIC_URL"),
        SchedulerName = env.Text("LEOPASS_SCHEDULER_NAME") ?? DefaultSchedulerName,
        WorkflowsDirectory = WorkflowsDirectoryOf(env),
        EnableTestActivities = env.Flag("LEOPASS_ENABLE_TEST_ACTIVITIES"),
        Operator = env.Text("LEOPASS_OPERATOR"),
        Debug = env.Flag("LEOPASS_DEBUG"),
        PostgresBinDirectory = env.Text("PG_BIN_DIR"),
        LogLevel = LogLevelOf(env),
        MetricsTokenRequired = env.Flag("LEOPASS_METRICS_TOKEN_REQUIRED"),
        WatchdogInterval = env.Duration("LEOPASS_WATCHDOG_INTERVAL", TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)),
    };

    private static Microsoft.Extensions.Logging.LogLevel? LogLevelOf(EnvironmentReader env) =>
        env.Text("LEOPASS_LOG_LEVEL") is null ? null : env.Choice<Microsoft.Extensions.Logging.LogLevel?>("LEOPASS_LOG_LEVEL", null, new Dictionary<string, Microsoft.Extensions.Logging.LogLevel?>
        {
            ["debug"] = Microsoft.Extensions.Logging.LogLevel.Debug,
            ["information"] = Microsoft.Extensions.Logging.LogLevel.Information,
            ["warning"] = Microsoft.Extensions.Logging.LogLevel.Warning,
        });

    private static string ListenUrlOf(EnvironmentReader env)
    {
        var url = env.Text("LEOPASS_LISTEN_URL");
        if (url is null) return DefaultListenUrl;
        // Kestrel's forms: one URL or several separated by ';', with a wildcard host (0.0.0.0, [::], *, +) allowed.
        var entries = url.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (entries.Length > 0 && entries.All(e => e.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || e.StartsWith("https://", StringComparison.OrdinalIgnoreCase)))
        {
            return url;
        }
        env.AddProblem($"LEOPASS_LISTEN_URL must be an http:// or https:// URL such as {DefaultListenUrl} or http://0.0.0.0:8080, not '{url}'");
        return DefaultListenUrl;
    }

    /// <summary>
    /// LEOPASS_WORKFLOWS_DIR when set (it must exist); else workflows/ of the repository the CLI
    /// script was started from (LEOPASS_REPO_ROOT, set by ./leopass-recovery), else of the
    /// current directory.
    /// </summary>
    private static string? WorkflowsDirectoryOf(EnvironmentReader env)
    {
        if (env.Text("LEOPASS_WORKFLOWS_DIR") is { } configured) return Path.GetFullPath(configured);
        foreach (var root in new[] { env.Text("LEOPASS_REPO_ROOT"), Directory.GetCurrentDirectory() })
        {
            if (root is not null && Directory.Exists(Path.Combine(root, "workflows"))) return Path.Combine(root, "workflows");
        }
        return null;
    }
}
