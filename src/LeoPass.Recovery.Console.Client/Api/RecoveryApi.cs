using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Components.WebAssembly.Http;

namespace LeoPass.Recovery.Console.Api;

/// <summary>
/// The public HTTP API, typed. Every call the console makes goes through here, with the signed-in
/// token in the Authorization header (never in a URL). A 401 signs the console out: the token was
/// revoked or the server forgot it. Each method is named after the operationId it calls in the
/// OpenAPI document (<c>ListRuns</c> → <c>ListRunsAsync</c>), as a generated client's would be.
/// </summary>
public sealed class RecoveryApi(HttpClient http, IApiCredentials session)
{
    private static readonly ConsoleJson Json = ConsoleJson.Default;

    public Task<Caller> GetMeAsync(string token, CancellationToken cancellationToken = default) =>
        SendCoreAsync(HttpMethod.Get, "api/me", null, Json.Caller, cancellationToken, token);

    public Task<RecoveryStatus> GetStatusAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, "api/status", null, Json.RecoveryStatus, cancellationToken);

    public Task<IReadOnlyList<ScheduledDefinition>> GetScheduleAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, "api/status/schedule", null, Json.IReadOnlyListScheduledDefinition, cancellationToken);

    public Task<StatusHistory> GetStatusHistoryAsync(int days = 30, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, $"api/status/history?days={days}", null, Json.StatusHistory, cancellationToken);

    public Task<IReadOnlyList<Run>> ListRunsAsync(RunFilter filter, CancellationToken cancellationToken = default)
    {
        var query = new List<string> { $"limit={filter.Limit}" };
        if (filter.Definition is { Length: > 0 } d) query.Add($"definition={Uri.EscapeDataString(d)}");
        if (filter.State is { } s) query.Add($"state={s}");
        if (filter.Since is { } since) query.Add($"since={Uri.EscapeDataString(since.ToString("O", CultureInfo.InvariantCulture))}");
        if (filter.Until is { } until) query.Add($"until={Uri.EscapeDataString(until.ToString("O", CultureInfo.InvariantCulture))}");
        return SendAsync(HttpMethod.Get, "api/runs?" + string.Join('&', query), null, Json.IReadOnlyListRun, cancellationToken);
    }

    public Task<RunDetails> GetRunAsync(long id, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, $"api/runs/{id}", null, Json.RunDetails, cancellationToken);

    public Task<RunReport> GetRunReportAsync(long id, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, $"api/runs/{id}/report", null, Json.RunReport, cancellationToken);

    public async Task<string> GetRunReportMarkdownAsync(long id, CancellationToken cancellationToken = default)
    {
        using var response = await SendRawAsync(HttpMethod.Get, $"api/runs/{id}/report.md", null, cancellationToken);
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }

    public Task<RunDetails> StartRunAsync(StartRunBody request, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "api/runs", JsonContent.Create(request, Json.StartRunBody), Json.RunDetails, cancellationToken);

    public Task<RunDetails> RetryRunAsync(long id, CancellationToken cancellationToken = default) => ActAsync(id, "retry", null, cancellationToken);

    public Task<RunDetails> ResumeRunAsync(long id, CancellationToken cancellationToken = default) => ActAsync(id, "resume", null, cancellationToken);

    public Task<RunDetails> SkipStepAsync(long id, string step, string reason, CancellationToken cancellationToken = default) =>
        ActAsync(id, "skip", JsonContent.Create(new StepBody(step, reason), Json.StepBody), cancellationToken);

    public Task<RunDetails> AbortRunAsync(long id, string reason, CancellationToken cancellationToken = default) =>
        ActAsync(id, "abort", JsonContent.Create(new ReasonBody(reason), Json.ReasonBody), cancellationToken);

    public Task<RunDetails> ApproveStepAsync(long id, string step, string? note, CancellationToken cancellationToken = default) =>
        ActAsync(id, "approve", JsonContent.Create(new GateBody(step, note), Json.GateBody), cancellationToken);

    public Task<RunDetails> RejectStepAsync(long id, string step, string note, CancellationToken cancellationToken = default) =>
        ActAsync(id, "reject", JsonContent.Create(new GateBody(step, note), Json.GateBody), cancellationToken);

    public Task<IReadOnlyList<BackupSummary>> ListBackupsAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, "api/backups", null, Json.IReadOnlyListBackupSummary, cancellationToken);

    public Task<BackupManifest> GetBackupManifestAsync(string key, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, $"api/backups/{Uri.EscapeDataString(key)}", null, Json.BackupManifest, cancellationToken);

    public Task<BackupVerification> VerifyBackupAsync(string key, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"api/backups/{Uri.EscapeDataString(key)}/verify", null, Json.BackupVerification, cancellationToken);

    /// <summary>POST /api/backups/{key}/restore-verification: starts the restore verification run on this backup.</summary>
    public Task<RunDetails> VerifyBackupByRestoreAsync(string key, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"api/backups/{Uri.EscapeDataString(key)}/restore-verification", null, Json.RunDetails, cancellationToken);

    public Task<IReadOnlyList<DefinitionSummary>> ListDefinitionsAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, "api/definitions", null, Json.IReadOnlyListDefinitionSummary, cancellationToken);

    public Task<DefinitionDetails> GetDefinitionAsync(string id, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, $"api/definitions/{Uri.EscapeDataString(id)}", null, Json.DefinitionDetails, cancellationToken);

    /// <summary>
    /// Opens /api/events. The browser streams the body as it arrives (fetch with a readable stream),
    /// so the bearer token travels in the header: EventSource could only put it in the URL.
    /// </summary>
    public async Task<HttpResponseMessage> StreamRunEventsAsync(CancellationToken cancellationToken)
    {
        var request = Authorized(new HttpRequestMessage(HttpMethod.Get, "api/events"), null);
        request.SetBrowserResponseStreamingEnabled(true);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.IsSuccessStatusCode) return response;
        using (response) throw await FailureAsync(response, cancellationToken);
    }

    private Task<RunDetails> ActAsync(long id, string action, HttpContent? body, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"api/runs/{id}/{action}", body ?? JsonContent.Create(new object()), Json.RunDetails, cancellationToken);

    /// <summary>
    /// A call a module of the console (the designer) makes with its own serializer metadata, so the
    /// responder pages do not carry the module's types: the same token, errors and sign-out on 401.
    /// </summary>
    public Task<T> SendAsync<T>(HttpMethod method, string path, HttpContent? body, JsonTypeInfo<T> type, CancellationToken cancellationToken = default) =>
        SendCoreAsync(method, path, body, type, cancellationToken, null);

    /// <summary>A call whose answer has no body to read (204).</summary>
    public async Task SendAsync(HttpMethod method, string path, CancellationToken cancellationToken = default)
    {
        using var response = await SendRawAsync(method, path, null, cancellationToken);
    }

    private async Task<T> SendCoreAsync<T>(HttpMethod method, string path, HttpContent? body, JsonTypeInfo<T> type, CancellationToken cancellationToken, string? token = null)
    {
        using var response = await SendRawAsync(method, path, body, cancellationToken, token);
        return await response.Content.ReadFromJsonAsync(type, cancellationToken)
            ?? throw new ApiException((int)response.StatusCode, $"the server answered {path} with an empty body");
    }

    private async Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, HttpContent? body, CancellationToken cancellationToken, string? token = null)
    {
        using var request = Authorized(new HttpRequestMessage(method, path) { Content = body }, token);
        var response = await http.SendAsync(request, cancellationToken);
        if (response.IsSuccessStatusCode) return response;
        using (response) throw await FailureAsync(response, cancellationToken);
    }

    private HttpRequestMessage Authorized(HttpRequestMessage request, string? token)
    {
        if ((token ?? session.Token) is { Length: > 0 } bearer) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return request;
    }

    private async Task<ApiException> FailureAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        ProblemDetails? problem = null;
        try
        {
            problem = await response.Content.ReadFromJsonAsync(Json.ProblemDetails, cancellationToken);
        }
        catch (JsonException)
        {
            // Not problem details (a proxy's page): the status code says enough.
        }
        catch (NotSupportedException)
        {
        }
        var failure = ApiException.From((int)response.StatusCode, problem);
        if (failure.IsUnauthorized) await session.ExpireAsync();
        return failure;
    }
}
