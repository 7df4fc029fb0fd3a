using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Server.Tests.Support;

namespace LeoPass.Recovery.Server.Tests;

/// <summary>
/// One contract: the server's real answers read into the records the console uses
/// (LeoPass.Recovery.Contracts) and written back give the same JSON. A field the server sends that
/// the contract lacks, one the contract expects that the server does not send, or a state name
/// the enums do not know, fails here — not in a responder's browser.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ContractTests(ApiHost host)
{
    private static readonly JsonSerializerOptions Strict = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    [Fact]
    public async Task The_servers_answers_read_into_the_contract_and_write_back_unchanged()
    {
        var runId = await host.Operator.StartAsync(TestDefinitions.Gated);
        await host.Operator.WaitForAsync(runId, "WaitingForApproval");

        await RoundTripAsync<RunDetails>($"/api/runs/{runId}");
        await RoundTripAsync<RunReport>($"/api/runs/{runId}/report");
        await RoundTripAsync<IReadOnlyList<Run>>("/api/runs?limit=5");
        await RoundTripAsync<RecoveryStatus>("/api/status");
        await RoundTripAsync<IReadOnlyList<DefinitionSummary>>("/api/definitions");
        await RoundTripAsync<DefinitionDetails>($"/api/definitions/{TestDefinitions.Drill}");
        await RoundTripAsync<IReadOnlyList<DefinitionVersionSummary>>($"/api/definitions/{TestDefinitions.Drill}/versions");
        await RoundTripAsync<IReadOnlyList<ActivityEntry>>("/api/activities");
        await RoundTripAsync<IReadOnlyList<ScheduledDefinition>>("/api/status/schedule");
        await RoundTripAsync<IReadOnlyList<BackupSummary>>("/api/backups");
        await host.Operator.PostJsonAsync($"/api/runs/{runId}/abort", new { reason = "contract test done" });
    }

    private async Task RoundTripAsync<T>(string path)
    {
        using var response = await host.Viewer.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
        T read;
        try
        {
            read = JsonSerializer.Deserialize<T>(text, Strict)!;
        }
        catch (JsonException e)
        {
            throw new Xunit.Sdk.XunitException($"{path} does not read into {typeof(T).Name}: {e.Message}");
        }
        var written = JsonNode.Parse(JsonSerializer.Serialize(read, Strict));
        var served = JsonNode.Parse(text);
        Assert.True(JsonNode.DeepEquals(served, written), $"{path}: the contract's {typeof(T).Name} does not write back what the server sent\nserver:   {served}\ncontract: {written}");
    }
}
