using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace LeoPass.Recovery.Runbook.Cloudflare;

/// <summary>
/// Cloudflare's v4 API as the runbook calls it (the maintenance rule, the DNS records): the token
/// in the Authorization header, relative paths under CLOUDFLARE_API_BASE_URL, and Cloudflare's
/// envelope (<c>success</c>, <c>errors</c>, <c>result</c>) turned into a result or an
/// <see cref="ActivityFailedException"/> that is retryable only for 429 and 5xx.
/// </summary>
public sealed class CloudflareApi(RunbookSettings settings, HttpClient http)
{
    public string ZoneId => settings.CloudflareZoneId ?? throw new ActivityFailedException("CLOUDFLARE_ZONE_ID is not set", retryable: false);

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, JsonObject? body, CancellationToken cancellationToken)
    {
        var baseUrl = settings.CloudflareApiBaseUrl.ToString().TrimEnd('/') + "/";
        using var request = new HttpRequestMessage(method, new Uri(new Uri(baseUrl), path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.CloudflareApiToken);
        if (body is not null) request.Content = JsonContent.Create(body);
        try
        {
            return await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new ActivityFailedException($"Cloudflare API at {settings.CloudflareApiBaseUrl} unreachable: {e.Message}", inner: e);
        }
    }

    /// <summary>The envelope's <c>result</c> (an object or an array), or a failure saying what Cloudflare refused.</summary>
    public static async Task<JsonNode?> ResultAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        JsonObject? body = null;
        try { body = JsonNode.Parse(text) as JsonObject; } catch (System.Text.Json.JsonException) { }
        if (!response.IsSuccessStatusCode || body?["success"]?.GetValue<bool>() == false)
        {
            var errors = (body?["errors"] as JsonArray)?.OfType<JsonObject>().Select(e => e["message"]?.ToString()).Where(m => m is not null) ?? [];
            var retryable = (int)response.StatusCode is 429 or >= 500;
            throw new ActivityFailedException($"Cloudflare refused to {what}: {(int)response.StatusCode} {string.Join("; ", errors)}".TrimEnd(' ', ':'),
                retryable: retryable);
        }
        return body?["result"];
    }

    public static bool IsNotFound(HttpResponseMessage response) => response.StatusCode == HttpStatusCode.NotFound;

    public static ActivityFailedException Unexpected(string what) => new($"unexpected Cloudflare answer: {what}", retryable: false);
}
