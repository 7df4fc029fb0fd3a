
namespace LeoPass.Recovery.Runbook.Dns;

/// <summary>What a DNS record says: the three fields the failover changes and the failback puts back.</summary>
public sealed record DnsRecordValues(string Content, int Ttl, bool Proxied)
{
    public JsonObject ToJson() => new() { ["content"] = Content, ["ttl"] = Ttl, ["proxied"] = Proxied };

    public static DnsRecordValues FromJson(JsonNode? node) => new(
        node?["content"]?.GetValue<string>() ?? throw new InvalidDataException("a recorded DNS value has no content"),
        node["ttl"]?.GetValue<int>() ?? 1,
        node["proxied"]?.GetValue<bool>() ?? false);

    /// <summary>As a person reads it: <c>192.0.2.10 (ttl 300, not proxied)</c>; ttl 1 is Cloudflare's automatic TTL.</summary>
    public override string ToString() => $"{Content} (ttl {(Ttl == 1 ? "auto" : Ttl.ToString(System.Globalization.CultureInfo.InvariantCulture))}, {(Proxied ? "proxied" : "not proxied")})";
}

/// <summary>A record as the Cloudflare DNS records API lists it.</summary>
public sealed record DnsRecord(string Id, string Name, string Type, DnsRecordValues Values)
{
    public override string ToString() => $"{Type} {Name}";
}

/// <summary>
/// One record the failover switched: which (zone, id, name, type), what it said before and what
/// the failover wrote. The failback puts <see cref="Before"/> back only while the record still
/// says <see cref="After"/>'s content.
/// </summary>
public sealed record DnsRecordChange(string ZoneId, string Id, string Name, string Type, DnsRecordValues Before, DnsRecordValues After)
{
    public string Record => $"{Type} {Name}";

    public JsonObject ToJson() => new()
    {
        ["zoneId"] = ZoneId,
        ["id"] = Id,
        ["name"] = Name,
        ["type"] = Type,
        ["before"] = Before.ToJson(),
        ["after"] = After.ToJson(),
    };

    public static DnsRecordChange FromJson(JsonNode node) => new(
        node["zoneId"]!.GetValue<string>(),
        node["id"]!.GetValue<string>(),
        node["name"]!.GetValue<string>(),
        node["type"]!.GetValue<string>(),
        DnsRecordValues.FromJson(node["before"]),
        DnsRecordValues.FromJson(node["after"]));
}
