using System.Net;
using LeoPass.Recovery.Server.Tests.Support;

namespace LeoPass.Recovery.Server.Tests;

/// <summary>The artefact store (a real s3rver) goes down: the API says so in a problem, never a bare 500.</summary>
public sealed class StoreDownTests(S3ApiHost host) : IClassFixture<S3ApiHost>
{
    [Fact]
    public async Task With_the_store_down_reading_and_verifying_a_backup_answer_503_saying_the_store_is_unreachable()
    {
        const string key = "leopass-2026-11-27T020000Z.dump.zst.pgp";
        await host.Store.StopAsync();
        try
        {
            var (_, ready) = await host.Viewer.GetJsonAsync("/health/ready");
            Assert.Equal("Unhealthy", ready!["status"]!.GetValue<string>());

            foreach (var (client, method, path) in new[] { (host.Viewer, HttpMethod.Get, $"/api/backups/{key}"), (host.Operator, HttpMethod.Post, $"/api/backups/{key}/verify") })
            {
                var (status, problem) = await client.SendAsync(method, path);
                Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
                Assert.Equal(503, problem!["status"]!.GetValue<int>());
                Assert.Equal("The artefact store is unreachable", problem["title"]!.GetValue<string>());
                var detail = problem["detail"]!.GetValue<string>();
                Assert.Contains("unreachable", detail, StringComparison.Ordinal);
                Assert.Contains($"127.0.0.1:{host.Store.Port}", detail, StringComparison.Ordinal);
                var text = problem.ToJsonString();
                foreach (var secret in host.Secrets.Append(LeoPass.Recovery.TestSupport.S3rverProcess.SecretKey))
                {
                    Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
                }
            }
        }
        finally
        {
            await host.Store.StartAsync();
        }
        // Back up: the same request is an ordinary 404 for a key the store does not hold.
        Assert.Equal(HttpStatusCode.NotFound, (await host.Viewer.GetJsonAsync($"/api/backups/{key}")).Status);
    }
}
