using System.Net;
using LeoPass.Recovery.Server.Tests.Support;
using LeoPass.Recovery.Server.Tokens;
using Microsoft.Extensions.Time.Testing;

namespace LeoPass.Recovery.Server.Tests;

[Collection(ApiCollection.Name)]
public sealed class AuthenticationTests(ApiHost host)
{
    [Fact]
    public async Task Request_without_a_token_is_401_problem_details_with_a_bearer_challenge()
    {
        using var client = host.Client(null);
        using var response = await client.GetAsync("/api/runs");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Contains("\"status\":401", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoked_token_is_401()
    {
        var (status, body) = await host.Client(host.RevokedToken).GetJsonAsync("/api/runs");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("unknown or revoked", body!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_revoked_while_in_use_is_refused_on_its_next_request()
    {
        var token = (await host.Tokens.CreateAsync("short-lived", Roles.ApiRole.Viewer, "test")).Token;
        using var client = host.Client(token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetJsonAsync("/api/runs")).Status);
        Assert.True(await host.Tokens.RevokeAsync("short-lived"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetJsonAsync("/api/runs")).Status);
    }

    [Fact]
    public async Task Unknown_token_and_other_schemes_are_401()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Client("lpr_" + new string('x', 43)).GetJsonAsync("/api/status")).Status);
        using var basic = host.Client(null);
        basic.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", "dXNlcjpwYXNz");
        Assert.Equal(HttpStatusCode.Unauthorized, (await basic.GetJsonAsync("/api/status")).Status);
    }

    [Fact]
    public async Task Health_needs_no_token()
    {
        using var client = host.Client(null);
        Assert.Equal(HttpStatusCode.OK, (await client.GetJsonAsync("/health/live")).Status);
        var (status, body) = await client.GetJsonAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Healthy", body!["status"]!.GetValue<string>());
        Assert.Equal(["artefact-store", "recovery-database"], body["checks"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()).Order());
    }

    [Fact]
    public async Task After_the_free_failures_from_one_address_its_next_request_without_a_valid_token_is_429()
    {
        // The host allows 20 free failures per address; this test's client uses an address of its own.
        using var attacker = host.Client("lpr_guessed-guessed-guessed", sourceAddress: "127.0.0.77");
        for (var i = 0; i < 20; i++) Assert.Equal(HttpStatusCode.Unauthorized, (await attacker.GetJsonAsync("/api/runs")).Status);

        // The 21st request, right after the 20th failure, is refused.
        using var response = await attacker.GetAsync("/api/runs");
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await host.Client(null, sourceAddress: "127.0.0.77").GetJsonAsync("/api/runs")).Status);
        Assert.Equal(HttpStatusCode.OK, (await host.Client(host.ViewerToken, sourceAddress: "127.0.0.78").GetJsonAsync("/api/runs")).Status);
        Assert.Equal(HttpStatusCode.OK, (await host.Client(null, sourceAddress: "127.0.0.77").GetJsonAsync("/health/live")).Status);
    }

    [Fact]
    public async Task A_valid_token_from_a_throttled_address_is_answered_normally()
    {
        // Behind a shared proxy or NAT, someone else's bad requests must not lock out a valid caller.
        const string shared = "127.0.0.79";
        using var stranger = host.Client("lpr_guessed-guessed-guessed", sourceAddress: shared);
        for (var i = 0; i < 20; i++) await stranger.GetJsonAsync("/api/runs");
        Assert.Equal(HttpStatusCode.TooManyRequests, (await stranger.GetJsonAsync("/api/runs")).Status);

        Assert.Equal(HttpStatusCode.OK, (await host.Client(host.ViewerToken, sourceAddress: shared).GetJsonAsync("/api/runs")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Client(host.ViewerToken, sourceAddress: shared).PostJsonAsync("/api/backups/run", new { })).Status);
        // …while the bad token is still refused before it is checked.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await stranger.GetJsonAsync("/api/runs")).Status);
    }
}

public sealed class AuthFailureLimiterTests
{
    private static readonly IPAddress Client = IPAddress.Parse("10.0.0.1");

    [Fact]
    public void Lockout_starts_after_the_free_failures_and_doubles()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-27T02:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var limiter = new AuthFailureLimiter(new AuthFailureOptions { FreeFailures = 3, FirstLockout = TimeSpan.FromSeconds(1) }, clock);
        for (var i = 0; i < 2; i++) limiter.RecordFailure(Client);
        Assert.Null(limiter.RetryAfter(Client));
        limiter.RecordFailure(Client);
        Assert.Equal(TimeSpan.FromSeconds(1), limiter.RetryAfter(Client));
        clock.Advance(TimeSpan.FromSeconds(1));
        limiter.RecordFailure(Client);
        Assert.Equal(TimeSpan.FromSeconds(2), limiter.RetryAfter(Client));
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Null(limiter.RetryAfter(Client));
    }

    [Fact]
    public void With_the_default_options_five_failures_lock_the_address_out_and_four_do_not()
    {
        var limiter = new AuthFailureLimiter(new AuthFailureOptions(), new FakeTimeProvider());
        for (var i = 0; i < 4; i++) limiter.RecordFailure(Client);
        Assert.Null(limiter.RetryAfter(Client));
        limiter.RecordFailure(Client);
        Assert.Equal(TimeSpan.FromSeconds(1), limiter.RetryAfter(Client));
    }

    [Fact]
    public void Failures_are_forgotten_after_the_window()
    {
        var clock = new FakeTimeProvider();
        var limiter = new AuthFailureLimiter(new AuthFailureOptions { FreeFailures = 2, Window = TimeSpan.FromMinutes(10) }, clock);
        limiter.RecordFailure(Client);
        clock.Advance(TimeSpan.FromMinutes(11));
        limiter.RecordFailure(Client);
        Assert.Null(limiter.RetryAfter(Client));
    }

    [Fact]
    public void Memory_stays_bounded_under_failures_from_many_addresses()
    {
        var limiter = new AuthFailureLimiter(new AuthFailureOptions { MaxClients = 100 }, new FakeTimeProvider());
        for (var i = 0; i < 10_000; i++) limiter.RecordFailure(new IPAddress(BitConverter.GetBytes(i)));
        Assert.InRange(limiter.TrackedClients, 1, 100);
    }
}
