using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace LeoPass.Recovery.Cli.Demo;

/// <summary>
/// The demo's harmless stand-in for Cloudflare: the parts of the v4 API the runbook calls — the
/// zone's DNS records (list, read, PATCH) and the custom firewall ruleset the quarantine adds its
/// maintenance rule to — for one zone whose state is a JSON file under the demo's directory, so
/// `dr-rehearsal` and `incident-restore` run every step on the demo, DNS failover included, and a
/// person can read what each step changed (<c>zone.json</c>, <c>requests.log</c>).
/// </summary>
public sealed class CloudflareStandIn(string directory, TimeProvider time)
{
    private const string FirewallPhase = "http_request_firewall_custom";
    private string StateFile => Path.Combine(directory, "zone.json");
    private string RequestLog => Path.Combine(directory, "requests.log");

    /// <summary>Serves on 127.0.0.1:<paramref name="port"/> until cancelled, one request at a time (the state is one file).</summary>
    public async Task ServeAsync(int port, CancellationToken cancellationToken)
    {
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        await using var stop = cancellationToken.Register(listener.Stop);
        while (!cancellationToken.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync(cancellationToken);
            var path = context.Request.Url?.AbsolutePath ?? "/";
            var (status, answer) = Answer(context.Request.HttpMethod, path, context.Request.QueryString, context.Request.Headers["Authorization"], body);
            await File.AppendAllTextAsync(RequestLog,
                string.Create(CultureInfo.InvariantCulture, $"{time.GetUtcNow():yyyy-MM-ddTHH:mm:ss.fffZ} {context.Request.HttpMethod} {path} {status}\n"), cancellationToken);
            var bytes = Encoding.UTF8.GetBytes(answer);
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(bytes, cancellationToken);
            context.Response.Close();
        }
    }

    private (int Status, string Body) Answer(string method, string path, System.Collections.Specialized.NameValueCollection query, string? authorization, string body)
    {
        var state = JsonNode.Parse(File.ReadAllText(StateFile))!.AsObject();
        if (authorization != $"Bearer {state["token"]}") return Error(403, 10000, "Authentication error");
        var zonePath = $"/client/v4/zones/{state["zoneId"]}/";
        if (!path.StartsWith(zonePath, StringComparison.Ordinal)) return Error(404, 7003, "Could not route to this path: not the demo's zone");
        var parts = path[zonePath.Length..].Split('/', StringSplitOptions.RemoveEmptyEntries);
        var records = state["records"]!.AsArray();
        var rules = state["ruleset"] is JsonObject existing ? existing["rules"]!.AsArray() : null;
        switch (method, parts)
        {
            case ("GET", ["dns_records"]):
                return Ok(new JsonArray([.. records.Where(r => Matches(r, "name", query["name"]) && Matches(r, "type", query["type"])).Select(r => r!.DeepClone())]));
            case ("GET", ["dns_records", var id]):
                return records.FirstOrDefault(r => r!["id"]!.GetValue<string>() == id) is { } found ? Ok(found.DeepClone()) : Error(404, 81044, "Record does not exist.");
            case ("PATCH", ["dns_records", var id]):
            {
                if (records.FirstOrDefault(r => r!["id"]!.GetValue<string>() == id) is not JsonObject record) return Error(404, 81044, "Record does not exist.");
                var change = JsonNode.Parse(body)!.AsObject();
                foreach (var field in new[] { "content", "ttl", "proxied" })
                {
                    if (change[field] is { } value) record[field] = value.DeepClone();
                }
                record["modified_on"] = time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
                Save(state);
                return Ok(record.DeepClone());
            }
            case ("GET", ["rulesets", "phases", FirewallPhase, "entrypoint"]):
                return state["ruleset"] is JsonObject ruleset ? Ok(ruleset.DeepClone()) : Error(404, 10003, "could not find entrypoint ruleset");
            case ("PUT", ["rulesets", "phases", FirewallPhase, "entrypoint"]):
            {
                var created = new JsonObject { ["id"] = "demo-ruleset", ["phase"] = FirewallPhase, ["rules"] = new JsonArray() };
                foreach (var rule in JsonNode.Parse(body)!["rules"]!.AsArray()) created["rules"]!.AsArray().Add(WithId(rule!.DeepClone().AsObject()));
                state["ruleset"] = created;
                Save(state);
                return Ok(created.DeepClone());
            }
            case ("POST", ["rulesets", var rulesetId, "rules"]) when rules is not null && rulesetId == state["ruleset"]!["id"]!.GetValue<string>():
                rules.Add(WithId(JsonNode.Parse(body)!.AsObject()));
                Save(state);
                return Ok(state["ruleset"]!.DeepClone());
            case ("DELETE", ["rulesets", _, "rules", var ruleId]) when rules?.FirstOrDefault(r => r!["id"]!.GetValue<string>() == ruleId) is { } rule:
                rules.Remove(rule);
                Save(state);
                return Ok(state["ruleset"]!.DeepClone());
            case ("DELETE", ["rulesets", _, "rules", _]):
                return Error(404, 10003, "rule not found");
            default:
                return Error(405, 10000, $"the demo's stand-in does not serve {method} {path}");
        }
    }

    /// <summary>The zone's state when the demo first runs: one record pointing the application at its primary.</summary>
    public static JsonObject InitialState(string zoneId, string token, string name, string primary) => new()
    {
        ["zoneId"] = zoneId,
        ["token"] = token,
        ["records"] = new JsonArray(new JsonObject
        {
            ["id"] = "demo-record-app",
            ["zone_id"] = zoneId,
            ["name"] = name,
            ["type"] = "A",
            ["content"] = primary,
            ["ttl"] = 300,
            ["proxied"] = false,
            ["comment"] = "the application (leopass-recovery demo stand-in)",
        }),
        ["ruleset"] = null,
    };

    private void Save(JsonObject state)
    {
        var temporary = StateFile + ".tmp";
        File.WriteAllText(temporary, state.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        File.Move(temporary, StateFile, overwrite: true);
    }

    private static bool Matches(JsonNode? record, string field, string? wanted) => wanted is null || record?[field]?.GetValue<string>() == wanted;

    private static JsonObject WithId(JsonObject rule)
    {
        rule["id"] = "demo-rule-" + Guid.NewGuid().ToString("N")[..8];
        return rule;
    }

    private static (int, string) Ok(JsonNode result) =>
        (200, new JsonObject { ["success"] = true, ["errors"] = new JsonArray(), ["messages"] = new JsonArray(), ["result"] = result }.ToJsonString());

    private static (int, string) Error(int status, int code, string message) =>
        (status, new JsonObject { ["success"] = false, ["errors"] = new JsonArray(new JsonObject { ["code"] = code, ["message"] = message }), ["result"] = null }.ToJsonString());
}
