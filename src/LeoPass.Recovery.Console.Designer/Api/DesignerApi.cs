using System.Net.Http.Json;
using System.Text.Json;
using LeoPass.Recovery.Console.Api;

namespace LeoPass.Recovery.Console.Designer.Api;

/// <summary>
/// The API calls only the designer makes (drafts, versions, diffs, import, checks, dry runs), over
/// the console's own client: the same token, the same errors, the same sign-out on a 401. Each
/// method is named after the operationId it calls, as RecoveryApi's are.
/// </summary>
public sealed class DesignerApi(RecoveryApi api)
{
    private static readonly DesignerJson Json = DesignerJson.Default;

    public Task<DefinitionDetails> GetDefinitionAsync(string id, int version, CancellationToken cancellationToken = default) =>
        api.SendAsync(HttpMethod.Get, $"api/definitions/{Uri.EscapeDataString(id)}?version={version}", null, Json.DefinitionDetails, cancellationToken);

    public Task<IReadOnlyList<DefinitionVersionSummary>> ListDefinitionVersionsAsync(string id, CancellationToken cancellationToken = default) =>
        api.SendAsync(HttpMethod.Get, $"api/definitions/{Uri.EscapeDataString(id)}/versions", null, Json.IReadOnlyListDefinitionVersionSummary, cancellationToken);

    /// <param name="to">A version number, or "draft".</param>
    public Task<DefinitionDiff> DiffDefinitionVersionsAsync(string id, int from, string to, CancellationToken cancellationToken = default) =>
        api.SendAsync(HttpMethod.Get, $"api/definitions/{Uri.EscapeDataString(id)}/diff?from={from}&to={Uri.EscapeDataString(to)}", null, Json.DefinitionDiff, cancellationToken);

    public Task<CronPreview> PreviewCronAsync(string cron, string? timeZone, CancellationToken cancellationToken = default) =>
        api.SendAsync(HttpMethod.Get, $"api/definitions/cron-preview?cron={Uri.EscapeDataString(cron)}{(timeZone is null ? "" : $"&timeZone={Uri.EscapeDataString(timeZone)}")}", null, Json.CronPreview, cancellationToken);

    public Task<IReadOnlyList<ActivityEntry>> ListActivitiesAsync(CancellationToken cancellationToken = default) =>
        api.SendAsync(HttpMethod.Get, "api/activities", null, Json.IReadOnlyListActivityEntry, cancellationToken);

    public Task<IReadOnlyList<DraftSummary>> ListDraftsAsync(CancellationToken cancellationToken = default) =>
        api.SendAsync(HttpMethod.Get, "api/drafts", null, Json.IReadOnlyListDraftSummary, cancellationToken);

    public Task<DraftDetails> GetDraftAsync(string id, CancellationToken cancellationToken = default) =>
        api.SendAsync(HttpMethod.Get, $"api/drafts/{Uri.EscapeDataString(id)}", null, Json.DraftDetails, cancellationToken);

    public Task<DraftSummary> SaveDraftAsync(string id, SaveDraftRequest request, CancellationToken cancellationToken = default) =>
        api.SendAsync(HttpMethod.Put, $"api/drafts/{Uri.EscapeDataString(id)}", JsonContent.Create(request, Json.SaveDraftRequest), Json.DraftSummary, cancellationToken);

    public Task DiscardDraftAsync(string id, CancellationToken cancellationToken = default) =>
        api.SendAsync(HttpMethod.Delete, $"api/drafts/{Uri.EscapeDataString(id)}", cancellationToken);

    public Task<DefinitionSummary> PublishDraftAsync(string id, int revision, CancellationToken cancellationToken = default) =>
        api.SendAsync(HttpMethod.Post, $"api/drafts/{Uri.EscapeDataString(id)}/publish?revision={revision}", null, Json.DefinitionSummary, cancellationToken);

    public Task<DraftSummary> ImportDefinitionAsync(ImportRequest request, CancellationToken cancellationToken = default) =>
        api.SendAsync(HttpMethod.Post, "api/definitions/import", JsonContent.Create(request, Json.ImportRequest), Json.DraftSummary, cancellationToken);

    public Task<DryRunPlan> PlanRunAsync(DryRunRequest request, CancellationToken cancellationToken = default) =>
        api.SendAsync(HttpMethod.Post, "api/dry-run", JsonContent.Create(request, Json.DryRunRequest), Json.DryRunPlan, cancellationToken);

    /// <summary>Checks a definition as publishing would: every error by JSON path, none when it is valid.</summary>
    public async Task<IReadOnlyDictionary<string, string[]>> CheckDefinitionAsync(JsonElement definition, CancellationToken cancellationToken = default) =>
        (await api.SendAsync(HttpMethod.Post, "api/definitions/check", JsonContent.Create(definition, Json.JsonElement), Json.DefinitionCheck, cancellationToken)).Errors;
}
