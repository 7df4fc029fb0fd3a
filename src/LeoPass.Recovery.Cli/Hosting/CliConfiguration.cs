using Microsoft.Extensions.Configuration;

namespace LeoPass.Recovery.Cli.Hosting;

/// <summary>
/// The configuration as the host binds it (environment variables over appsettings.json beside the
/// program), for the few moments the CLI needs a value without building a host: `keys generate`
/// on a first install, `demo` preparing its environment, and the error reporter.
/// </summary>
internal static class CliConfiguration
{
    private static readonly Lazy<IConfiguration> Configuration = new(() => new ConfigurationBuilder()
        .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
        .AddEnvironmentVariables()
        .Build());

    public static EnvironmentReader Reader() => new(Configuration.Value);

    public static string? Text(string name) => Reader().Text(name);
}
