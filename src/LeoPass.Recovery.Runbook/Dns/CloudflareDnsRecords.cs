using LeoPass.Recovery.Runbook.Cloudflare;

namespace LeoPass.Recovery.Runbook.Dns;

/// <summary>
/// The Cloudflare DNS records API as the failover uses it: find the one record of a name and
/// type, read a record by id, and change its content, TTL and proxied flag in place (PATCH), so
/// the record keeps its id, comment and tags and the failback can find it again.
/// </summary>
public sealed class CloudflareDnsRecords(CloudflareApi api)
{
    public static CloudflareDnsRecords For(RunbookSettings settings, IHttpClientFactory http) =>
        new(new CloudflareApi(settings, http.CreateClient(RunbookServiceCollectionExtensions.HttpClientName)));

    public string ZoneId => api.ZoneId;

    /// <summary>The one record of this name and type; none or several is a failure that names what it found (the failover switches one record per name and type).</summary>
    public async Task<DnsRecord> FindOneAsync(string name, string type, CancellationToken cancellationToken)
    {
        using var response = await api.SendAsync(HttpMethod.Get,
            $"zones/{ZoneId}/dns_records?type={Uri.EscapeDataString(type)}&name={Uri.EscapeDataString(name)}&per_page=100", null, cancellationToken);
        var result = await CloudflareApi.ResultAsync(response, $"list the {type} records of {name}", cancellationToken) as JsonArray ?? [];
        var records = result.OfType<JsonObject>().Select(Parse).Where(r => r.Type == type && string.Equals(r.Name.TrimEnd('.'), name, StringComparison.OrdinalIgnoreCase)).ToList();
        return records.Count switch
        {
            1 => records[0],
            0 => throw new ActivityFailedException($"zone {ZoneId} has no {type} record {name}: create it (pointing at the primary) or correct DNS_FAILOVER_RECORDS; nothing was changed", retryable: false),
            _ => throw new ActivityFailedException($"zone {ZoneId} has {records.Count} {type} records {name} ({string.Join(", ", records.Select(r => r.Values.Content))}): the failover switches exactly one record per name and type; nothing was changed", retryable: false),
        };
    }

    /// <summary>The record with this id, or null when it no longer exists.</summary>
    public async Task<DnsRecord?> GetAsync(string id, CancellationToken cancellationToken)
    {
        using var response = await api.SendAsync(HttpMethod.Get, $"zones/{ZoneId}/dns_records/{Uri.EscapeDataString(id)}", null, cancellationToken);
        if (CloudflareApi.IsNotFound(response)) return null;
        return Parse(await CloudflareApi.ResultAsync(response, $"read DNS record {id}", cancellationToken) as JsonObject
            ?? throw CloudflareApi.Unexpected($"DNS record {id} came back empty"));
    }

    /// <summary>Sets content, TTL and proxied flag of the record; returns the record as Cloudflare now has it.</summary>
    public async Task<DnsRecord> UpdateAsync(DnsRecord record, DnsRecordValues values, CancellationToken cancellationToken)
    {
        var body = values.ToJson();
        using var response = await api.SendAsync(HttpMethod.Patch, $"zones/{ZoneId}/dns_records/{Uri.EscapeDataString(record.Id)}", body, cancellationToken);
        return Parse(await CloudflareApi.ResultAsync(response, $"change {record} to {values}", cancellationToken) as JsonObject
            ?? throw CloudflareApi.Unexpected($"the change of {record} came back empty"));
    }

    private static DnsRecord Parse(JsonObject node) => new(
        node["id"]?.GetValue<string>() ?? throw CloudflareApi.Unexpected("a DNS record without an id"),
        node["name"]?.GetValue<string>() ?? "",
        node["type"]?.GetValue<string>() ?? "",
        new DnsRecordValues(node["content"]?.GetValue<string>() ?? "", node["ttl"]?.GetValue<int>() ?? 1, node["proxied"]?.GetValue<bool>() ?? false));
}
