using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;

namespace LeoPass.Recovery.TestSupport;

/// <summary>
/// Cloudflare's DNS records API for one zone, as far as the failover uses it — list by name and
/// type, read by id, PATCH content/ttl/proxied — keeping the records it is given, so a test sees
/// what a change did. Plug it into a <see cref="RecordingHttpServer"/> (which records every call)
/// with <see cref="Answer"/>; requests it does not know are left to the caller.
/// </summary>
public sealed class FakeCloudflareDns(string zoneId, string basePath = "/client/v4")
{
    private readonly ConcurrentDictionary<string, JsonObject> _records = new();
    private int _nextId;

    public string ZoneId { get; } = zoneId;

    /// <summary>Called after a PATCH changed a record: the content it now has (the dnsmasq test publishes it as a nameserver would).</summary>
    public Action<string, string>? Changed { get; set; }

    public string Add(string name, string type, string content, int ttl, bool proxied)
    {
        var id = "rec" + Interlocked.Increment(ref _nextId).ToString("D4", CultureInfo.InvariantCulture);
        _records[id] = new JsonObject { ["id"] = id, ["zone_id"] = ZoneId, ["name"] = name, ["type"] = type, ["content"] = content, ["ttl"] = ttl, ["proxied"] = proxied, ["comment"] = "kept by the failover" };
        return id;
    }

    /// <summary>A record as the zone holds it now (a copy).</summary>
    public JsonObject Get(string id) => (JsonObject)_records[id].DeepClone();

    public void Set(string id, int ttl, bool proxied)
    {
        _records[id]["ttl"] = ttl;
        _records[id]["proxied"] = proxied;
    }

    /// <summary>Someone else edits the record (another runbook, a person in the dashboard).</summary>
    public void Edit(string id, string content) => _records[id]["content"] = content;

    public void Delete(string id) => _records.TryRemove(id, out _);

    /// <summary>The answer for a request of this zone's DNS records API; null for any other request.</summary>
    public (int Status, string Body)? Answer(RecordedRequest request)
    {
        var prefix = $"{basePath}/zones/{ZoneId}/dns_records";
        if (!request.Path.StartsWith(prefix, StringComparison.Ordinal)) return null;
        var id = request.Path.Length > prefix.Length ? request.Path[(prefix.Length + 1)..] : null;
        lock (_records)
        {
            if (id is null && request.Method == "GET")
            {
                var matches = _records.Values
                    .Where(r => request.Query("name") is not { } name || r["name"]!.GetValue<string>() == name)
                    .Where(r => request.Query("type") is not { } type || r["type"]!.GetValue<string>() == type)
                    .OrderBy(r => r["id"]!.GetValue<string>(), StringComparer.Ordinal)
                    .Select(r => (JsonNode)r.DeepClone());
                return (200, Envelope(new JsonArray([.. matches])));
            }
            if (id is null || !_records.TryGetValue(id, out var record)) return (404, """{"success":false,"errors":[{"code":81044,"message":"Record does not exist."}],"result":null}""");
            if (request.Method == "GET") return (200, Envelope(record.DeepClone()));
            if (request.Method == "PATCH")
            {
                var body = JsonNode.Parse(request.Body)!.AsObject();
                foreach (var field in new[] { "content", "ttl", "proxied" })
                {
                    if (body[field] is { } value) record[field] = value.DeepClone();
                }
                Changed?.Invoke(record["name"]!.GetValue<string>(), record["content"]!.GetValue<string>());
                return (200, Envelope(record.DeepClone()));
            }
            return (405, """{"success":false,"errors":[{"code":10000,"message":"method not allowed"}]}""");
        }
    }

    /// <summary>The PATCH requests the server recorded for this zone's records.</summary>
    public static IReadOnlyList<RecordedRequest> Patches(RecordingHttpServer server) =>
        [.. server.Requests.Where(r => r.Method == "PATCH" && r.Path.Contains("/dns_records/", StringComparison.Ordinal))];

    private static string Envelope(JsonNode result) => new JsonObject { ["success"] = true, ["errors"] = new JsonArray(), ["result"] = result }.ToJsonString();
}
