namespace LeoPass.Recovery.Core.Secrets;

/// <summary>
/// The pieces of a URL that holds a credential and must be masked wherever they appear: the URL
/// as configured and as .NET prints it, without its query, its user info (a Sentry DSN's key),
/// the token after <c>/push/</c> (Uptime Kuma), and any long path segment or query value (a
/// webhook's token, as Slack-style hooks carry it). A message that quotes only the path or the
/// token is masked too, not only one that quotes the whole URL.
/// </summary>
public static class SecretUrl
{
    // Shorter path segments ("api", "hooks", "v1") are structure, not credentials.
    private const int TokenLikeLength = 16;

    public static IEnumerable<string> Parts(Uri? url)
    {
        if (url is null) yield break;
        yield return url.OriginalString;
        yield return url.ToString();
        yield return url.AbsoluteUri;
        if (url.Query.Length > 0) yield return url.GetLeftPart(UriPartial.Path);
        if (url.UserInfo.Length > 0)
        {
            yield return url.UserInfo;
            foreach (var part in url.UserInfo.Split(':')) yield return Uri.UnescapeDataString(part);
        }
        var segments = url.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = Uri.UnescapeDataString(segments[i]);
            var afterPush = i > 0 && segments[i - 1] == "push";
            if (afterPush || segment.Length >= TokenLikeLength) yield return segment;
        }
        foreach (var pair in url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var value = Uri.UnescapeDataString(pair[(pair.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            if (value.Length >= TokenLikeLength) yield return value;
        }
    }
}
