using System.Net.Http.Headers;
using System.Net;
using System.Text.Json.Nodes;
using LeoPass.Recovery.Core.Configuration;
using LeoPass.Recovery.Engine.Definitions;
using LeoPass.Recovery.Engine.Execution;
using LeoPass.Recovery.Engine.Hosting;
using LeoPass.Recovery.Engine.Nodes;
using LeoPass.Recovery.Engine.Runs;
using LeoPass.Recovery.Engine.Scheduling;
using LeoPass.Recovery.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LeoPass.Recovery.Server.Tests;

/// <summary>The endpoints the responder console reads: who am I, what may I do, what changed, what runs next, the last days.</summary>
[Collection(ApiCollection.Name)]
public sealed class ConsoleApiTests(ApiHost host)
{
    [Fact]
    public async Task Me_names_the_token_and_its_role()
    {
        var (status, viewer) = await host.Viewer.GetJsonAsync("/api/me");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("ci-viewer", viewer!["name"]!.GetValue<string>());
        Assert.Equal("viewer", viewer["role"]!.GetValue<string>());
        Assert.Equal("operator", (await host.Operator.GetJsonAsync("/api/me")).Body!["role"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Client(null).GetJsonAsync("/api/me")).Status);
    }

    [Fact]
    public async Task Run_waiting_at_a_gate_allows_approve_reject_and_abort_and_a_finished_one_nothing()
    {
        var id = await host.Operator.StartAsync(TestDefinitions.Gated);
        var waiting = await host.Operator.WaitForAsync(id, "WaitingForApproval");
        Assert.Equal(["approve", "reject", "abort"], Names(waiting["allowedNow"]));

        var (status, approved) = await host.Operator.PostJsonAsync($"/api/runs/{id}/approve", new { step = "restore" });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(id, approved!["run"]!["id"]!.GetValue<long>());
        Assert.NotNull(approved["journal"]);
        Assert.Contains(approved["audit"]!.AsArray(), a => a!["action"]!.GetValue<string>() == "gate.approve");
        Assert.DoesNotContain("approve", Names(approved["allowedNow"]));

        var done = await host.Operator.WaitForAsync(id, "Succeeded");
        Assert.Empty(done["allowedNow"]!.AsArray());
    }

    [Fact]
    public async Task Definitions_name_the_role_that_may_start_them_and_skip_or_abort_their_runs()
    {
        var (_, list) = await host.Viewer.GetJsonAsync("/api/definitions");
        var drill = list!.AsArray().Single(d => d!["id"]!.GetValue<string>() == TestDefinitions.Drill)!;
        Assert.Equal("operator", drill["roles"]!["start"]!.GetValue<string>());
        Assert.Equal("operator", drill["roles"]!["skipOrAbort"]!.GetValue<string>());

        var (_, incident) = await host.Viewer.GetJsonAsync("/api/definitions/incident-restore");
        Assert.Equal("admin", incident!["summary"]!["roles"]!["start"]!.GetValue<string>());
        Assert.Equal("admin", incident["summary"]!["roles"]!["skipOrAbort"]!.GetValue<string>());
    }

    [Fact]
    public async Task Event_stream_tells_of_a_run_started_by_another_node()
    {
        using var client = host.Viewer;
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/events");
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.Equal("ready", await NextEventAsync(reader, _ => true) is { } ready ? ready.Name : null);

        // Another engine node sharing the recovery database (its own process in production): this host's
        // in-process change signal never hears of its writes, only the database does.
        using var other = await OtherNodeAsync();
        var run = await other.Services.GetRequiredService<RunOperations>().StartAsync(new StartRunRequest(TestDefinitions.Gated, new Dictionary<string, string>(), "other-node"));

        var seen = await NextEventAsync(reader, e => e.Name == "run" && e.Data!["runId"]!.GetValue<long>() == run.Id);
        Assert.Equal(TestDefinitions.Gated, seen!.Data!["definition"]!.GetValue<string>());
        Assert.Contains(seen.Data["state"]!.GetValue<string>(), new[] { "Pending", "Running", "WaitingForApproval" });
        Assert.True(seen.Data["updatedAt"]!.GetValue<DateTimeOffset>() > DateTimeOffset.UtcNow.AddMinutes(-1));

        await host.Operator.WaitForAsync(run.Id, "WaitingForApproval");
        Assert.Equal(HttpStatusCode.OK, (await host.Operator.PostJsonAsync($"/api/runs/{run.Id}/abort", new { reason = "test over" })).Status);
        await NextEventAsync(reader, e => e.Name == "run" && e.Data!["runId"]!.GetValue<long>() == run.Id && e.Data["state"]!.GetValue<string>() == "Aborted");
        await other.StopAsync();
    }

    [Fact]
    public async Task Event_stream_ends_when_the_server_stops_and_does_not_hold_the_stop()
    {
        var own = new ApiHost();
        await own.InitializeAsync();
        try
        {
            using var client = own.Viewer;
            using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/events"), HttpCompletionOption.ResponseHeadersRead);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            await NextEventAsync(reader, e => e.Name == "ready");

            var stopping = own.StopAsync();
            // The stream ends (the server closes it) rather than waiting out the host's shutdown timeout.
            var end = reader.ReadToEndAsync();
            Assert.Same(end, await Task.WhenAny(end, Task.Delay(TimeSpan.FromSeconds(20))));
            Assert.Same(stopping, await Task.WhenAny(stopping, Task.Delay(TimeSpan.FromSeconds(20))));
        }
        finally
        {
            await own.DisposeAsync();
        }
    }

    [Fact]
    public async Task Schedule_reads_the_next_firing_of_each_cron_definition_from_the_cluster()
    {
        var definition = TestDefinitions.Definition("api-nightly", TestDefinitions.Step("one", "diagnostics.noop"));
        await host.PublishAsync(definition);
        var fireAfter = DateTimeOffset.UtcNow.AddDays(1);
        await host.Services.GetRequiredService<CronTriggers>().ScheduleNextAsync("api-nightly", CronSchedule.Parse("0 2 * * *", "UTC"), fireAfter, replaceExisting: true, CancellationToken.None);

        var (status, schedule) = await host.Viewer.GetJsonAsync("/api/status/schedule");
        Assert.Equal(HttpStatusCode.OK, status);
        var entry = schedule!.AsArray().Single(s => s!["definition"]!.GetValue<string>() == "api-nightly")!;
        var next = entry["nextRunAt"]!.GetValue<DateTimeOffset>();
        Assert.Equal(2, next.UtcDateTime.Hour);
        Assert.True(next > fireAfter && next <= fireAfter.AddDays(1), $"next firing {next:O}");
        Assert.Equal("0 2 * * *", entry["cron"]!.GetValue<string>());
    }

    [Fact]
    public async Task History_lists_successful_restore_runs_with_their_rto_and_the_last_ones_steps()
    {
        var (_, started) = await host.Admin.PostJsonAsync("/api/runs", new { definition = TestDefinitions.IncidentRestore, version = 1 });
        var id = started!["run"]!["id"]!.GetValue<long>();
        await host.Admin.WaitForAsync(id, "Succeeded");

        var (status, history) = await host.Viewer.GetJsonAsync("/api/status/history?days=7");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(7, history!["days"]!.GetValue<int>());
        var drill = history["drills"]!.AsArray().Single(d => d!["runId"]!.GetValue<long>() == id)!;
        Assert.Equal(7200, drill["rtoTargetSeconds"]!.GetValue<double>());
        // Where the run's time went counts each second once: the steps' work and the run's waiting,
        // halted, lost and overhead time never add up to more than the run lasted by the wall clock.
        var last = history["lastDrill"]!;
        Assert.Equal(id, last["runId"]!.GetValue<long>());
        var parts = last["steps"]!.AsArray().Sum(s => s!["workSeconds"]!.GetValue<double>())
            + new[] { "waitingSeconds", "haltedSeconds", "lostSeconds", "overheadSeconds" }.Sum(name => last[name]!.GetValue<double>());
        var wall = (drill["endedAt"]!.GetValue<DateTimeOffset>() - drill["startedAt"]!.GetValue<DateTimeOffset>()).TotalSeconds;
        Assert.True(parts <= wall + 0.01, $"the parts add up to {parts} s, the run lasted {wall} s"); // each part is rounded to the millisecond
        Assert.Empty(history["backups"]!.AsArray());

        var (bad, problem) = await host.Viewer.GetJsonAsync("/api/status/history?days=0");
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        Assert.NotNull(problem!["errors"]!["days"]);
    }

    private static List<string> Names(JsonNode? array) => array!.AsArray().Select(a => a!.GetValue<string>()).ToList();

    private async Task<IHost> OtherNodeAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        var settings = new RecoverySettings { RecoveryDatabase = host.Database.ConnectionString };
        builder.Services.AddSingleton(settings);
        builder.AddRecoveryEngine(settings, o =>
        {
            o.ExecutesRuns = false;
            o.EnableDiagnosticActivities = true;
            // The same cluster: the run it starts is executed by the API host's node.
            o.SchedulerName = host.Services.GetRequiredService<EngineOptions>().SchedulerName;
        });
        var node = builder.Build();
        await node.StartAsync();
        return node;
    }

    private sealed record ServerEvent(string? Name, JsonNode? Data);

    /// <summary>Reads server-sent events until one matches, failing after 20 s.</summary>
    private static async Task<ServerEvent?> NextEventAsync(StreamReader reader, Func<ServerEvent, bool> match)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        string? name = null;
        var data = "";
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.Length == 0)
            {
                var e = new ServerEvent(name, data.Length > 0 ? JsonNode.Parse(data) : null);
                if (name is not null && match(e)) return e;
                name = null;
                data = "";
            }
            else if (line.StartsWith("event:", StringComparison.Ordinal)) name = line[6..].Trim();
            else if (line.StartsWith("data:", StringComparison.Ordinal)) data += line[5..].Trim();
        }
        throw new InvalidOperationException("the event stream ended before the expected event");
    }
}
