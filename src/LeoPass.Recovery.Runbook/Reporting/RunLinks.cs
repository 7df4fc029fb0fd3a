
namespace LeoPass.Recovery.Runbook.Reporting;

/// <summary>
/// A run's page in the responder console, <c>{LEOPASS_PUBLIC_URL}/runs/{id}</c>, for everything that
/// leaves the process about a run (alerts, the post-mortem's SHIP_NOTES entry and incident webhook,
/// reports): one click from the message to the failed step and its retry button. Null when
/// LEOPASS_PUBLIC_URL is not set — the console's address as people reach it cannot be guessed from
/// the listen address (a proxy, a host name, TLS usually stand in between).
/// </summary>
public sealed class RunLinks(RecoverySettings settings)
{
    public Uri? Run(long runId) => For(settings.Node.PublicUrl, runId);

    /// <summary>Keeps a path the public URL may have (a proxy's prefix) and appends runs/{id}.</summary>
    public static Uri? For(Uri? publicUrl, long runId) => publicUrl is null
        ? null
        : new Uri($"{publicUrl.GetLeftPart(UriPartial.Path).TrimEnd('/')}/runs/{runId.ToString(CultureInfo.InvariantCulture)}");
}
