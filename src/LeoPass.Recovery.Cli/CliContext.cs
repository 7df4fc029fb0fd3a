using LeoPass.Recovery.Backup;
using LeoPass.Recovery.Backup.Catalogue;
using LeoPass.Recovery.Cli.Output;
using LeoPass.Recovery.Core.Configuration;
using LeoPass.Recovery.Core.Logging;
using LeoPass.Recovery.Core.Secrets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LeoPass.Recovery.Cli;

/// <summary>
/// What one command invocation works with: validated settings, the secret redactor, the
/// output, and the product's services. Built after parsing, so `--help` needs no configuration.
/// </summary>
public sealed class CliContext : IAsyncDisposable
{
    private CliContext(RecoverySettings settings, CliOutput output, ServiceProvider services)
    {
        Settings = settings;
        Output = output;
        Services = services;
    }

    public RecoverySettings Settings { get; }
    public CliOutput Output { get; }
    public ServiceProvider Services { get; }
    public TimeProvider Clock => Services.GetRequiredService<TimeProvider>();

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>Loads and validates the environment; throws <see cref="ConfigurationException"/> naming every bad variable.</summary>
    public static CliContext Create(bool json, bool verbose)
    {
        var redactor = SecretRedactor.Shared;
        var output = new CliOutput(json, redactor);
        var settings = RecoverySettings.FromProcessEnvironment();
        redactor.AddRange(settings.Secrets());
        var services = new ServiceCollection()
            .AddSingleton(settings)
            .AddSingleton(redactor)
            .AddSingleton(TimeProvider.System)
            .AddLogging(logging => logging
                .SetMinimumLevel(verbose ? LogLevel.Debug : LogLevel.Warning)
                .AddProvider(new RedactingConsoleLoggerProvider(redactor, verbose ? LogLevel.Debug : LogLevel.Warning, TimeProvider.System)))
            .AddHttpClient()
            .AddBackup()
            .BuildServiceProvider();
        return new CliContext(settings, output, services);
    }

    /// <summary>The catalogue, with its tables created or upgraded.</summary>
    public async Task<BackupCatalogue> CatalogueAsync(CancellationToken cancellationToken)
    {
        var catalogue = Get<BackupCatalogue>();
        await catalogue.MigrateAsync(cancellationToken);
        return catalogue;
    }

    /// <summary>A live progress display when a person watches; nothing for scripts.</summary>
    public TerminalProgress? Progress() => Output.Interactive ? new TerminalProgress(Clock) : null;

    public ValueTask DisposeAsync() => Services.DisposeAsync();
}
