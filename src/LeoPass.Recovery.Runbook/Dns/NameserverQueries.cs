using System.Net;
using DnsClient;

namespace LeoPass.Recovery.Runbook.Dns;

/// <summary>
/// Asks one nameserver directly — no recursion, no cache — what it answers for a name and type,
/// as a resolver that has no copy yet would be told. What the failover waits on with
/// DNS_CHECK_NAMESERVERS: the zone's authoritative servers, or any resolvers a person cares about.
/// </summary>
public static class NameserverQueries
{
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(3);

    /// <summary>The contents the server answers (addresses, or a CNAME's target without the final dot), or why it gave none.</summary>
    public static async Task<NameserverAnswer> AskAsync(NameserverAddress server, string name, string type, CancellationToken cancellationToken)
    {
        IPAddress address;
        try
        {
            address = IPAddress.TryParse(server.Host, out var parsed) ? parsed : (await System.Net.Dns.GetHostAddressesAsync(server.Host, cancellationToken))[0];
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or IndexOutOfRangeException)
        {
            return new NameserverAnswer([], $"cannot resolve nameserver {server.Host}: {e.Message}");
        }
        var client = new LookupClient(new LookupClientOptions(new NameServer(address, server.Port))
        {
            UseCache = false,
            Recursion = false,
            Timeout = QueryTimeout,
            Retries = 1,
            ThrowDnsErrors = false,
            ContinueOnDnsError = false,
            UseTcpFallback = true,
        });
        var queryType = type switch { "AAAA" => QueryType.AAAA, "CNAME" => QueryType.CNAME, _ => QueryType.A };
        try
        {
            var response = await client.QueryAsync(name, queryType, QueryClass.IN, cancellationToken);
            if (response.HasError) return new NameserverAnswer([], response.ErrorMessage);
            IEnumerable<string> contents = queryType switch
            {
                QueryType.AAAA => response.Answers.AaaaRecords().Select(r => r.Address.ToString()),
                QueryType.CNAME => response.Answers.CnameRecords().Select(r => r.CanonicalName.Value.TrimEnd('.')),
                _ => response.Answers.ARecords().Select(r => r.Address.ToString()),
            };
            return new NameserverAnswer([.. contents], null);
        }
        catch (DnsResponseException e)
        {
            return new NameserverAnswer([], e.Message);
        }
    }

    /// <summary>Whether an answer is the content the record should have (addresses compared as addresses, names without case or final dot).</summary>
    public static bool Shows(NameserverAnswer answer, string type, string content) => answer.Contents.Any(c => type == "CNAME"
        ? string.Equals(c, content.TrimEnd('.'), StringComparison.OrdinalIgnoreCase)
        : IPAddress.TryParse(c, out var a) && IPAddress.TryParse(content, out var b) && a.Equals(b));
}

/// <param name="Error">Why the server gave no usable answer (timeout, refused, no such name), or null.</param>
public sealed record NameserverAnswer(IReadOnlyList<string> Contents, string? Error)
{
    public override string ToString() => Error ?? (Contents.Count == 0 ? "no answer" : string.Join(", ", Contents));
}
