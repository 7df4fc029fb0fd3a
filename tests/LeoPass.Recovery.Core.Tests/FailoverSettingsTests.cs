using LeoPass.Recovery.Core.Configuration;

namespace LeoPass.Recovery.Core.Tests;

/// <summary>The DNS failover's and infrastructure check's settings: read as given, each mistake named at start.</summary>
public class FailoverSettingsTests
{
    private static FailoverSettings Load(params (string Key, string Value)[] values) =>
        RecoverySettings.Load(new EnvironmentReader(values.ToDictionary(v => v.Key, v => (string?)v.Value))).Runbook.Failover;

    [Fact]
    public void Defaults_apply_when_nothing_is_set()
    {
        var s = Load();
        Assert.Empty(s.Records);
        Assert.Empty(s.CheckNameservers);
        Assert.Equal(TimeSpan.FromMinutes(5), s.PropagationTimeout);
        Assert.Equal(2.5, s.SpaceMargin);
        Assert.Null(s.TargetFreeBytes);
    }

    [Fact]
    public void Records_nameservers_timeout_margin_and_free_bytes_are_read_as_given()
    {
        var s = Load(
            ("DNS_FAILOVER_RECORDS", """[{"name":"App.Example.com.","type":"a","content":"203.0.113.20","ttl":60,"proxied":false},{"name":"api.example.com","type":"CNAME","content":"standby.example.net"}]"""),
            ("DNS_CHECK_NAMESERVERS", "ns1.example.net, 192.0.2.53:5353 [2001:db8::53]:53"),
            ("DNS_PROPAGATION_TIMEOUT", "PT90S"),
            ("RESTORE_SPACE_MARGIN", "3.5"),
            ("RESTORE_TARGET_FREE_BYTES", "1.5T"));

        Assert.Equal([new DnsFailoverRecord("app.example.com", "A", "203.0.113.20", 60, false), new DnsFailoverRecord("api.example.com", "CNAME", "standby.example.net", null, null)], s.Records);
        Assert.Equal([new NameserverAddress("ns1.example.net", 53), new NameserverAddress("192.0.2.53", 5353), new NameserverAddress("2001:db8::53", 53)], s.CheckNameservers);
        Assert.Equal("192.0.2.53:5353", s.CheckNameservers[1].ToString());
        Assert.Equal(TimeSpan.FromSeconds(90), s.PropagationTimeout);
        Assert.Equal(TimeSpan.FromSeconds(300), Load(("DNS_PROPAGATION_TIMEOUT", "300")).PropagationTimeout);
        Assert.Equal(3.5, s.SpaceMargin);
        Assert.Equal(3L << 39, s.TargetFreeBytes);
    }

    [Fact]
    public void Every_bad_failover_setting_is_named_in_one_error()
    {
        var e = Assert.Throws<ConfigurationException>(() => Load(
            ("DNS_FAILOVER_RECORDS", """[{"name":"app.example.com","type":"A","content":"not-an-ip"},{"name":"app.example.com","type":"MX","content":"mail"},{"name":"x.example.com","type":"A","content":"192.0.2.1","ttl":5}]"""),
            ("DNS_CHECK_NAMESERVERS", "ns1.example.net:99999"),
            ("DNS_PROPAGATION_TIMEOUT", "soon"),
            ("RESTORE_SPACE_MARGIN", "0.5"),
            ("RESTORE_TARGET_FREE_BYTES", "lots")));

        Assert.Equal(7, e.Problems.Count);
        Assert.Contains("DNS_FAILOVER_RECORDS[0] is not valid: content 'not-an-ip' of A app.example.com is not an IPv4 address", e.Message, StringComparison.Ordinal);
        Assert.Contains("DNS_FAILOVER_RECORDS[1] is not valid: type 'MX' is not one the failover switches (A, AAAA, CNAME)", e.Message, StringComparison.Ordinal);
        Assert.Contains("DNS_FAILOVER_RECORDS[2] is not valid: ttl of A x.example.com must be 1 (automatic) or 30 to 86400 seconds", e.Message, StringComparison.Ordinal);
        Assert.Contains("DNS_CHECK_NAMESERVERS has 'ns1.example.net:99999', which is not a nameserver", e.Message, StringComparison.Ordinal);
        Assert.Contains("DNS_PROPAGATION_TIMEOUT='soon' is not valid", e.Message, StringComparison.Ordinal);
        Assert.Contains("RESTORE_SPACE_MARGIN='0.5' is not valid: expected a number from 1 to 100", e.Message, StringComparison.Ordinal);
        Assert.Contains("RESTORE_TARGET_FREE_BYTES='lots' is not valid", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("[]")]
    [InlineData("app.example.com=203.0.113.20")]
    [InlineData("""[{"name":"app.example.com","type":"A","content":"203.0.113.20"},{"name":"app.example.com","type":"A","content":"203.0.113.21"}]""")]
    public void A_records_list_that_is_not_a_list_of_distinct_records_is_refused(string text)
    {
        var e = Assert.Throws<ConfigurationException>(() => Load(("DNS_FAILOVER_RECORDS", text)));
        Assert.Contains("DNS_FAILOVER_RECORDS", Assert.Single(e.Problems), StringComparison.Ordinal);
    }
}
