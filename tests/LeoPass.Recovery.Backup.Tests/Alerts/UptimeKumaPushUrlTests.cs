using LeoPass.Recovery.Backup.Alerts;
using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.Backup.Tests.Alerts;

public sealed class UptimeKumaPushUrlTests
{
    private static RecordedRequest AsRequest(Uri url) => new("GET", url.PathAndQuery, new Dictionary<string, string>(), "");

    [Fact]
    public void Push_url_without_query_gets_status_msg_and_ping()
    {
        var url = UptimeKumaPushUrl.Build(new Uri("https://kuma.example/api/push/abc"), up: true, "OK", TimeSpan.FromMilliseconds(1234.6));

        Assert.Equal("https://kuma.example/api/push/abc?status=up&msg=OK&ping=1235", url.AbsoluteUri);
    }

    [Fact]
    public void Push_message_with_reserved_characters_survives_the_round_trip()
    {
        const string message = "a&b=c ? 100% #1 / ünïcode …";

        var url = UptimeKumaPushUrl.Build(new Uri("https://kuma.example/api/push/abc?status=down&msg=old"), up: false, message, TimeSpan.Zero);

        var request = AsRequest(url);
        Assert.Equal(message, request.Query("msg"));
        Assert.Equal("down", request.Query("status"));
        Assert.Equal("0", request.Query("ping"));
        Assert.DoesNotContain("old", url.Query, StringComparison.Ordinal);
    }

    [Fact]
    public void Placeholder_parameters_are_replaced_whatever_their_case()
    {
        var url = UptimeKumaPushUrl.Build(new Uri("https://kuma.example/api/push/abc?Status=up&MSG=OK&ping=&x=1"), up: true, "fine", TimeSpan.FromSeconds(2));

        Assert.Equal("?x=1&status=up&msg=fine&ping=2000", url.Query);
    }

    [Theory]
    [InlineData("https://kuma.example/api/push/Xy12abCD?status=up&msg=OK&ping=", "Xy12abCD")]
    [InlineData("https://kuma.example/status/api/push/Xy12abCD", "Xy12abCD")]
    [InlineData("https://kuma.example/api/push/", null)]
    [InlineData("https://hooks.example/heartbeat", null)]
    public void Push_token_is_found_only_where_kuma_puts_it(string url, string? token)
    {
        Assert.Equal(token, UptimeKumaPushUrl.TokenOf(new Uri(url)));
    }
}
