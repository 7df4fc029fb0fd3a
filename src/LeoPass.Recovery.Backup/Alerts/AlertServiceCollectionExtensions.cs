using LeoPass.Recovery.Core.Secrets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LeoPass.Recovery.Backup.Alerts;

public static class AlertServiceCollectionExtensions
{
    public const string HttpClientName = "LeoPass.Recovery.Alerts";

    /// <summary>
    /// Registers <see cref="AlertDispatcher"/> with its own HttpClient. The client's default
    /// request logging is removed: IHttpClientFactory logs every request URI at Information,
    /// and the Uptime Kuma push URL carries its token in the path.
    /// </summary>
    public static IServiceCollection AddAlertDispatcher(this IServiceCollection services, AlertSettings settings, AlertOptions? options = null)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(SecretRedactor.Shared);
        services.AddHttpClient(HttpClientName).RemoveAllLoggers();
        services.TryAddSingleton(provider => AlertDispatcher.Create(
            settings,
            provider.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName),
            provider.GetRequiredService<ILoggerFactory>().CreateLogger<AlertDispatcher>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<SecretRedactor>(),
            options));
        return services;
    }
}
