using LeoPass.Recovery.Core.Configuration;
using LeoPass.Recovery.Server.Auth;

namespace LeoPass.Recovery.Server.Hosting;

/// <summary>How the HTTP API listens and defends itself. <see cref="FromEnvironment"/> reads LEOPASS_LISTEN_URL.</summary>
public sealed class ApiOptions
{
    public const string ListenUrlVariable = "LEOPASS_LISTEN_URL";
    public const string DefaultListenUrl = "http://127.0.0.1:8080";

    /// <summary>Where Kestrel listens; http://0.0.0.0:8080 in the container image.</summary>
    public string ListenUrl { get; set; } = DefaultListenUrl;

    public AuthFailureOptions AuthFailures { get; set; } = new();

    /// <summary>Where log lines go (stderr unless a test captures them). Every line is redacted first.</summary>
    public TextWriter? LogWriter { get; set; }

    public static ApiOptions FromEnvironment(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var options = new ApiOptions();
        if (environment(ListenUrlVariable) is { Length: > 0 } url)
        {
            // Kestrel's forms: one URL or several separated by ';', with a wildcard host (0.0.0.0, [::], *, +) allowed.
            var entries = url.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (entries.Length == 0 || !entries.All(e => e.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || e.StartsWith("https://", StringComparison.OrdinalIgnoreCase)))
            {
                throw new ConfigurationException($"{ListenUrlVariable} must be an http:// or https:// URL such as {DefaultListenUrl} or http://0.0.0.0:8080, not '{url}'");
            }
            options.ListenUrl = url;
        }
        return options;
    }
}
