
namespace LeoPass.Recovery.Backup.Alerts;

/// <summary>
/// A Sentry DSN, <c>{scheme}://{public_key}[:{secret_key}]@{host}[:{port}]/[{path}/]{project_id}</c>,
/// split into the envelope endpoint and the keys for the <c>X-Sentry-Auth</c> header.
/// </summary>
public sealed class SentryDsn
{
    private SentryDsn(Uri envelopeEndpoint, string publicKey, string? secretKey, string projectId)
    {
        EnvelopeEndpoint = envelopeEndpoint;
        PublicKey = publicKey;
        SecretKey = secretKey;
        ProjectId = projectId;
    }

    /// <summary><c>{scheme}://{host}[:{port}][/{path}]/api/{project_id}/envelope/</c>; holds no key.</summary>
    public Uri EnvelopeEndpoint { get; }

    public string PublicKey { get; }

    /// <summary>Legacy DSNs carry a secret key after the public one; modern ones do not.</summary>
    public string? SecretKey { get; }

    public string ProjectId { get; }

    /// <summary>Parses the DSN. The error message never contains the DSN: it holds a key.</summary>
    public static SentryDsn Parse(Uri dsn)
    {
        var userInfo = dsn.UserInfo.Split(':', 2);
        var publicKey = Uri.UnescapeDataString(userInfo[0]);
        var secretKey = userInfo.Length > 1 && userInfo[1].Length > 0 ? Uri.UnescapeDataString(userInfo[1]) : null;
        var segments = dsn.AbsolutePath.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (publicKey.Length == 0 || segments.Length == 0 || !segments[^1].All(char.IsAsciiDigit))
        {
            throw new ConfigurationException(
                "SENTRY_DSN is not valid: expected https://<public key>@<host>/<project id>, as shown in Sentry under Project Settings › Client Keys.");
        }
        // A DSN may carry a path prefix (Sentry behind a reverse proxy): it stays in front of /api/.
        var prefix = string.Concat(segments[..^1].Select(s => "/" + s));
        var endpoint = new UriBuilder(dsn.Scheme, dsn.Host, dsn.Port, $"{prefix}/api/{segments[^1]}/envelope/").Uri;
        return new SentryDsn(endpoint, publicKey, secretKey, segments[^1]);
    }

    /// <summary>The <c>X-Sentry-Auth</c> header value for a request from this client.</summary>
    public string AuthHeader(string client) =>
        $"Sentry sentry_version=7, sentry_client={client}, sentry_key={PublicKey}" +
        (SecretKey is null ? "" : $", sentry_secret={SecretKey}");
}
