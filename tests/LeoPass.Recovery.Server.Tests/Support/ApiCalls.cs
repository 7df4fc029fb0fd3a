using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LeoPass.Recovery.Server.Tests.Support;

/// <summary>HTTP helpers that keep tests about behaviour, not plumbing.</summary>
public static class ApiCalls
{
    public static async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(this HttpClient client, HttpMethod method, string path, object? body = null, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = body is string raw ? new StringContent(raw, System.Text.Encoding.UTF8, "application/json") : JsonContent.Create(body);
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonNode? json = null;
        if (text.Length > 0)
        {
            try { json = JsonNode.Parse(text); }
            catch (JsonException) { json = JsonValue.Create(text); }
        }
        return (response.StatusCode, json);
    }

    public static Task<(HttpStatusCode Status, JsonNode? Body)> GetJsonAsync(this HttpClient client, string path) => client.SendAsync(HttpMethod.Get, path);

    public static Task<(HttpStatusCode Status, JsonNode? Body)> PostJsonAsync(this HttpClient client, string path, object? body = null, string? idempotencyKey = null) =>
        client.SendAsync(HttpMethod.Post, path, body ?? new { }, idempotencyKey);

    /// <summary>Starts a run and returns its id, failing with the problem details when it was refused.</summary>
    public static async Task<long> StartAsync(this HttpClient client, string definition, object? parameters = null, string? idempotencyKey = null)
    {
        var (status, body) = await client.PostJsonAsync("/api/runs", new { definition, parameters }, idempotencyKey);
        Assert.True(status is HttpStatusCode.Created or HttpStatusCode.OK, $"start {definition}: {(int)status} {body}");
        return body!["run"]!["id"]!.GetValue<long>();
    }

    /// <summary>Polls GET /api/runs/{id} until the run is in one of the states.</summary>
    public static async Task<JsonNode> WaitForAsync(this HttpClient client, long runId, params string[] states)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        JsonNode? details;
        do
        {
            (_, details) = await client.GetJsonAsync($"/api/runs/{runId}");
            if (states.Contains(details!["run"]!["state"]!.GetValue<string>())) return details;
            await Task.Delay(50);
        }
        while (DateTime.UtcNow < deadline);
        throw new TimeoutException($"run {runId} never became {string.Join(" or ", states)}: {details}");
    }
}
