using System.Net;
using LeoPass.Recovery.Runbook.Cloudflare;

namespace LeoPass.Recovery.Runbook.Traffic;

/// <summary>The maintenance rule a quarantine added: what the reopen deletes, and nothing else.</summary>
public sealed record MaintenanceRule(string ZoneId, string RulesetId, string RuleId, string Description);

/// <summary>
/// The runbook's "Cloudflare maintenance page / WAF rule": a custom firewall rule in the zone's
/// <c>http_request_firewall_custom</c> entrypoint ruleset (Rulesets API), added to quarantine and
/// deleted by id to reopen. The rule's description names the run, so a repeated attempt finds the
/// rule it already added instead of adding a second one.
/// </summary>
public sealed class CloudflareMaintenanceRule(RunbookSettings settings, HttpClient http)
{
    private readonly CloudflareApi _api = new(settings, http);

    private const string Phase = "http_request_firewall_custom";

    public static string DescriptionFor(long runId) => $"leopass-recovery maintenance (run {runId})";

    public async Task<(MaintenanceRule Rule, bool Added)> EnsureAsync(long runId, string expression, string action, CancellationToken cancellationToken)
    {
        var zone = settings.CloudflareZoneId!;
        var description = DescriptionFor(runId);
        var rule = new JsonObject { ["description"] = description, ["expression"] = expression, ["action"] = action, ["enabled"] = true };
        using var get = await SendAsync(HttpMethod.Get, $"zones/{zone}/rulesets/phases/{Phase}/entrypoint", null, cancellationToken);
        JsonObject ruleset;
        if (get.StatusCode == HttpStatusCode.NotFound)
        {
            // No custom rules yet: creating the entrypoint with our rule is the only change.
            using var put = await SendAsync(HttpMethod.Put, $"zones/{zone}/rulesets/phases/{Phase}/entrypoint", new JsonObject { ["rules"] = new JsonArray(rule) }, cancellationToken);
            ruleset = await ResultAsync(put, "create the custom firewall ruleset", cancellationToken);
            return (Find(zone, ruleset, description) ?? throw Unexpected("the created ruleset does not list the maintenance rule"), true);
        }
        ruleset = await ResultAsync(get, "read the custom firewall ruleset", cancellationToken);
        if (Find(zone, ruleset, description) is { } existing) return (existing, false);
        var rulesetId = ruleset["id"]?.GetValue<string>() ?? throw Unexpected("the entrypoint ruleset has no id");
        using var post = await SendAsync(HttpMethod.Post, $"zones/{zone}/rulesets/{rulesetId}/rules", rule, cancellationToken);
        var updated = await ResultAsync(post, "add the maintenance rule", cancellationToken);
        return (Find(zone, updated, description) ?? throw Unexpected("the updated ruleset does not list the maintenance rule"), true);
    }

    /// <summary>Deletes exactly the rule the quarantine added; a rule already gone is not an error.</summary>
    public async Task<bool> DeleteAsync(MaintenanceRule rule, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Delete, $"zones/{rule.ZoneId}/rulesets/{rule.RulesetId}/rules/{rule.RuleId}", null, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound) return false;
        await ResultAsync(response, "delete the maintenance rule", cancellationToken);
        return true;
    }

    private static MaintenanceRule? Find(string zone, JsonObject ruleset, string description)
    {
        var id = ruleset["id"]?.GetValue<string>();
        var rule = (ruleset["rules"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(r => r["description"]?.GetValue<string>() == description);
        return id is null || rule?["id"]?.GetValue<string>() is not { } ruleId ? null : new MaintenanceRule(zone, id, ruleId, description);
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, JsonObject? body, CancellationToken cancellationToken) =>
        _api.SendAsync(method, path, body, cancellationToken);

    private static async Task<JsonObject> ResultAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken) =>
        await CloudflareApi.ResultAsync(response, what, cancellationToken) as JsonObject ?? [];

    private static ActivityFailedException Unexpected(string what) => CloudflareApi.Unexpected(what);
}
