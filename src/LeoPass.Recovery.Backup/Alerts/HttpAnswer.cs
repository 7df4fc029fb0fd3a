using System.Net;

namespace LeoPass.Recovery.Backup.Alerts;

/// <summary>Turns an HTTP answer into success, a retryable failure or a final refusal.</summary>
internal static class HttpAnswer
{
    public static async Task EnsureAcceptedAsync(HttpResponseMessage response, string channel, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode) return;
        var status = response.StatusCode;
        // The body is for a human and may echo what we sent; keep a short, single-line start of it.
        var body = AlertText.OneLine(await response.Content.ReadAsStringAsync(cancellationToken), 200);
        var message = $"{channel} answered {(int)status} {response.ReasonPhrase}{(body.Length > 0 ? ": " + body : "")}";
        if (IsTransient(status)) throw new HttpRequestException(message, null, status);
        throw new AlertRejectedException(message);
    }

    /// <summary>Worth another try soon: the target is overloaded, restarting, or rate-limiting us.</summary>
    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;
}
