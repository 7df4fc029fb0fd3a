using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;

namespace LeoPass.Recovery.Core.Configuration;

/// <summary>
/// What the DR rehearsal's infrastructure check and DNS failover work with: the DNS records that
/// point the application at the standby, how long and where to wait for the change to be seen,
/// and how much room a restore needs on the standby.
/// </summary>
public sealed record FailoverSettings
{
    public const double DefaultSpaceMargin = 2.5;
    public static readonly TimeSpan DefaultPropagationTimeout = TimeSpan.FromMinutes(5);

    /// <summary>DNS_FAILOVER_RECORDS: the records the failover points at the standby; empty when unset.</summary>
    public IReadOnlyList<DnsFailoverRecord> Records { get; init; } = [];

    /// <summary>DNS_PROPAGATION_TIMEOUT: how long the failover waits for its change to be visible.</summary>
    public TimeSpan PropagationTimeout { get; init; } = DefaultPropagationTimeout;

    /// <summary>DNS_CHECK_NAMESERVERS: nameservers that must all answer the new content; empty: the API's read-back is the check.</summary>
    public IReadOnlyList<NameserverAddress> CheckNameservers { get; init; } = [];

    /// <summary>RESTORE_SPACE_MARGIN: free space the target needs, as a multiple of the dump's size (indexes, WAL, the old copy).</summary>
    public double SpaceMargin { get; init; } = DefaultSpaceMargin;

    /// <summary>RESTORE_TARGET_FREE_BYTES: the target's free space, for a server whose data directory this node cannot read.</summary>
    public long? TargetFreeBytes { get; init; }

    internal static FailoverSettings Read(EnvironmentReader env) => new()
    {
        Records = ReadRecords(env),
        PropagationTimeout = Duration(env, "DNS_PROPAGATION_TIMEOUT", DefaultPropagationTimeout),
        CheckNameservers = Nameservers(env),
        SpaceMargin = Margin(env),
        TargetFreeBytes = Bytes(env, "RESTORE_TARGET_FREE_BYTES"),
    };

    private static List<DnsFailoverRecord> ReadRecords(EnvironmentReader env)
    {
        const string name = "DNS_FAILOVER_RECORDS";
        var text = env.Text(name);
        if (text is null) return [];
        JsonArray? array;
        try
        {
            array = JsonNode.Parse(text) as JsonArray;
        }
        catch (JsonException)
        {
            array = null;
        }
        if (array is null || array.Count == 0)
        {
            env.AddProblem($"{name} is not valid: expected a JSON array such as [{{\"name\": \"app.example.com\", \"type\": \"A\", \"content\": \"203.0.113.20\"}}] (optional per record: \"ttl\", \"proxied\").");
            return [];
        }
        var records = new List<DnsFailoverRecord>();
        for (var i = 0; i < array.Count; i++)
        {
            if (DnsFailoverRecord.TryParse(array[i] as JsonObject, out var record, out var problem)) records.Add(record);
            else env.AddProblem($"{name}[{i}] is not valid: {problem}");
        }
        foreach (var duplicate in records.GroupBy(r => (r.Name, r.Type)).Where(g => g.Count() > 1))
        {
            env.AddProblem($"{name} names {duplicate.Key.Type} {duplicate.Key.Name} {duplicate.Count()} times: one target per record.");
        }
        return records;
    }

    private static TimeSpan Duration(EnvironmentReader env, string name, TimeSpan fallback)
    {
        var text = env.Text(name);
        if (text is null) return fallback;
        TimeSpan? value = null;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)) value = TimeSpan.FromSeconds(seconds);
        else
        {
            try { value = XmlConvert.ToTimeSpan(text); } catch (FormatException) { }
        }
        if (value is { } v && v > TimeSpan.Zero && v <= TimeSpan.FromHours(6)) return v;
        env.AddProblem($"{name}='{text}' is not valid: expected seconds (300) or an ISO 8601 duration (PT5M), more than zero and at most 6 hours.");
        return fallback;
    }

    private static List<NameserverAddress> Nameservers(EnvironmentReader env)
    {
        const string name = "DNS_CHECK_NAMESERVERS";
        var text = env.Text(name);
        if (text is null) return [];
        var servers = new List<NameserverAddress>();
        foreach (var item in text.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries))
        {
            if (NameserverAddress.TryParse(item, out var server)) servers.Add(server);
            else env.AddProblem($"{name} has '{item}', which is not a nameserver: expected host names or addresses, each with an optional :port, separated by commas (ns1.example.net, 192.0.2.53:5353, [2001:db8::53]:53).");
        }
        return servers;
    }

    private static double Margin(EnvironmentReader env)
    {
        const string name = "RESTORE_SPACE_MARGIN";
        var text = env.Text(name);
        if (text is null) return DefaultSpaceMargin;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 1 && value <= 100) return value;
        env.AddProblem($"{name}='{text}' is not valid: expected a number from 1 to 100 (the free space a restore needs as a multiple of the dump's size; default {DefaultSpaceMargin.ToString(CultureInfo.InvariantCulture)}).");
        return DefaultSpaceMargin;
    }

    /// <summary>Bytes, or with a binary unit: 500G, 1.5T (K, M, G, T are powers of 1024).</summary>
    private static long? Bytes(EnvironmentReader env, string name)
    {
        var text = env.Text(name);
        if (text is null) return null;
        var unit = char.ToUpperInvariant(text[^1]) switch { 'K' => 1L << 10, 'M' => 1L << 20, 'G' => 1L << 30, 'T' => 1L << 40, _ => 1L };
        var number = unit == 1 ? text : text[..^1];
        if (double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0 && value * unit < long.MaxValue)
        {
            return (long)(value * unit);
        }
        env.AddProblem($"{name}='{text}' is not valid: expected a number of bytes, optionally with K, M, G or T (powers of 1024), such as 500G.");
        return null;
    }
}

/// <summary>One DNS record the failover points at the standby: its name and type, the standby's content, and optionally the TTL and proxied flag to use meanwhile.</summary>
public sealed record DnsFailoverRecord(string Name, string Type, string Content, int? Ttl, bool? Proxied)
{
    private static readonly string[] Types = ["A", "AAAA", "CNAME"];

    public static bool TryParse(JsonObject? node, out DnsFailoverRecord record, out string problem)
    {
        record = null!;
        problem = "";
        string? Text(string field) => node?[field] is JsonValue v && v.TryGetValue<string>(out var s) && !string.IsNullOrWhiteSpace(s) ? s.Trim() : null;
        if (node is null || Text("name") is not { } name || Text("type") is not { } typeText || Text("content") is not { } content)
        {
            problem = "each record needs \"name\", \"type\" and \"content\" as strings";
            return false;
        }
        var type = typeText.ToUpperInvariant();
        if (!Types.Contains(type))
        {
            problem = $"type '{typeText}' is not one the failover switches ({string.Join(", ", Types)})";
            return false;
        }
        var family = type switch { "A" => AddressFamily.InterNetwork, "AAAA" => AddressFamily.InterNetworkV6, _ => (AddressFamily?)null };
        if (family is { } f && !(IPAddress.TryParse(content, out var address) && address.AddressFamily == f))
        {
            problem = $"content '{content}' of {type} {name} is not an {(f == AddressFamily.InterNetwork ? "IPv4" : "IPv6")} address";
            return false;
        }
        int? ttl = null;
        if (node["ttl"] is { } ttlNode)
        {
            if (!(ttlNode is JsonValue tv && tv.TryGetValue<int>(out var t) && (t == 1 || t is >= 30 and <= 86400)))
            {
                problem = $"ttl of {type} {name} must be 1 (automatic) or 30 to 86400 seconds";
                return false;
            }
            ttl = ttlNode.GetValue<int>();
        }
        bool? proxied = null;
        if (node["proxied"] is { } proxiedNode)
        {
            if (!(proxiedNode is JsonValue pv && pv.TryGetValue<bool>(out var p)))
            {
                problem = $"proxied of {type} {name} must be true or false";
                return false;
            }
            proxied = p;
        }
        record = new DnsFailoverRecord(name.TrimEnd('.').ToLowerInvariant(), type, content, ttl, proxied);
        return true;
    }

    public override string ToString() => $"{Type} {Name}";
}

/// <summary>A nameserver to ask: a host name or address, and a port (53 unless given).</summary>
public sealed record NameserverAddress(string Host, int Port)
{
    public static bool TryParse(string text, out NameserverAddress server)
    {
        server = null!;
        string host;
        var port = 53;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0) return false;
            host = text[1..close];
            if (close + 1 < text.Length && !(text[close + 1] == ':' && int.TryParse(text[(close + 2)..], NumberStyles.None, CultureInfo.InvariantCulture, out port))) return false;
        }
        else if (text.Count(c => c == ':') == 1)
        {
            host = text[..text.IndexOf(':', StringComparison.Ordinal)];
            if (!int.TryParse(text[(host.Length + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port)) return false;
        }
        else
        {
            host = text;
        }
        if (port is < 1 or > 65535 || host.Length == 0) return false;
        if (!IPAddress.TryParse(host, out _) && Uri.CheckHostName(host) != UriHostNameType.Dns) return false;
        server = new NameserverAddress(host, port);
        return true;
    }

    public override string ToString() => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : Port == 53 ? Host : $"{Host}:{Port}";
}
