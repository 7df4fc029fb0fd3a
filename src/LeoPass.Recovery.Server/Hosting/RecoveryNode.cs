using LeoPass.Recovery.Backup.Dump;
using LeoPass.Recovery.Backup;
using LeoPass.Recovery.Core.Configuration;
using LeoPass.Recovery.Core.Secrets;
using LeoPass.Recovery.Engine.Hosting;
using LeoPass.Recovery.Runbook;
using LeoPass.Recovery.Server.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LeoPass.Recovery.Server.Hosting;

/// <summary>
/// The part of the host every process of the product shares — the server (<see cref="Program"/>)
/// and every CLI command that needs the engine: bound configuration, redacted logging, the backup
/// services, the engine and the runbook's activities.
/// </summary>
public static class RecoveryNode
{
    /// <summary>
    /// A CLI command's host: the same composition as the server's, without the HTTP parts.
    /// <paramref name="beforeComposition"/> lets a test add configuration and services first.
    /// Throws <see cref="ConfigurationException"/> naming every bad setting.
    /// </summary>
    public static IHost Build(NodeOptions node, Action<HostApplicationBuilder>? beforeComposition = null)
    {
        // Configuration from the environment first, then appsettings.json beside the program;
        // never the command line, which belongs to the CLI's parser.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory, Args = [] });
        beforeComposition?.Invoke(builder);
        builder.AddRecoveryNode(node);
        return builder.Build();
    }

    /// <summary>The settings this builder's configuration bound, once <see cref="AddRecoveryNode"/> ran.</summary>
    public static RecoverySettings Settings(this IHostApplicationBuilder builder) =>
        builder.Properties.TryGetValue(typeof(RecoverySettings), out var settings) ? (RecoverySettings)settings
            : throw new InvalidOperationException("AddRecoveryNode must run first");

    public static IHostApplicationBuilder AddRecoveryNode(this IHostApplicationBuilder builder, NodeOptions node)
    {
        // Validated here, at start: one message naming every bad variable, before anything runs.
        var settings = RecoverySettings.Load(builder.Configuration);
        settings.RequireRecoveryDatabase();
        builder.Properties[typeof(RecoverySettings)] = settings;
        SecretRedactor.Shared.AddRange(settings.Secrets());
        PostgresTools.BinDirectory = settings.Node.PostgresBinDirectory;

        builder.AddRecoveryLogging(node.LogLevel ?? settings.Node.LogLevel switch
        {
            Microsoft.Extensions.Logging.LogLevel.Debug => Serilog.Events.LogEventLevel.Debug,
            Microsoft.Extensions.Logging.LogLevel.Information => Serilog.Events.LogEventLevel.Information,
            Microsoft.Extensions.Logging.LogLevel.Warning => Serilog.Events.LogEventLevel.Warning,
            _ => node.Role == NodeRole.Server ? Serilog.Events.LogEventLevel.Information : Serilog.Events.LogEventLevel.Warning,
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(15));
        builder.Services.AddSingleton(node);
        builder.Services.AddHostedService<ConfigurationReport>();
        builder.Services.AddSingleton(settings).AddSingleton(SecretRedactor.Shared).AddHttpClient();
        builder.Services.AddBackup().AddRunbookActivities();
        // Servers keep watch (one at a time, by the watchdog's row lock); a command does not.
        if (node.Role == NodeRole.Server) builder.Services.AddHostedService<Runbook.Watchdog.WatchdogService>();
        // One node of the cluster streams WAL at a time (the stream's lease); any server may be it.
        if (node.Role == NodeRole.Server && settings.Pitr.StreamEnabled)
        {
            builder.Services.AddHostedService<Runbook.Pitr.WalStreamService>();
        }
        var configuration = builder.Configuration;
        builder.AddRecoveryEngine(settings, o =>
        {
            o.ExecutesRuns = node.ExecutesRuns;
            o.RunsScheduler = node.RunsScheduler;
            o.SchedulerName = settings.Node.SchedulerName;
            o.WorkflowsDirectory = node.PublishDefinitions ? settings.Node.WorkflowsDirectory : null;
            o.EnableDiagnosticActivities = settings.Node.EnableTestActivities;
            o.Variables = name => configuration[name];
        });
        return builder;
    }
}
