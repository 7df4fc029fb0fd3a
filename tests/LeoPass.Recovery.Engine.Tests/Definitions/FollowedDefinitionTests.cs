using System.Text.Json.Nodes;
using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Engine.Definitions;
using LeoPass.Recovery.Engine.Runs;
using LeoPass.Recovery.Engine.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static LeoPass.Recovery.Engine.Tests.Support.Workflows;

namespace LeoPass.Recovery.Engine.Tests.Definitions;

/// <summary>Trigger type after: one definition follows another's successful runs, checked when it is published.</summary>
public sealed class FollowedDefinitionTests
{
    private static string Follower(string id, string follows, string parameter = "${steps.say.output.text}", string enabled = "true", string activity = "diagnostics.echo") =>
        new JsonObject
        {
            ["id"] = id,
            ["version"] = 1,
            ["title"] = $"follows {follows}",
            ["trigger"] = new JsonObject
            {
                ["type"] = "after",
                ["after"] = new JsonObject { ["definition"] = follows, ["parameters"] = new JsonObject { ["heard"] = parameter }, ["enabled"] = enabled },
            },
            ["parameters"] = new JsonObject { ["heard"] = new JsonObject { ["default"] = "nothing" } },
            ["steps"] = new JsonArray(Step("echo", activity, new JsonObject { ["text"] = "${run.heard}" })),
        }.ToJsonString();

    private static string Leader(string id, bool fails = false) =>
        Definition(id, Step("say", "diagnostics.echo", new JsonObject { ["text"] = $"said by {id}" }), fails ? FailUntil("fail", 99, 1) : Noop("done"));

    [Fact]
    public async Task Every_successful_run_of_the_followed_definition_starts_one_run_of_the_follower_with_its_parameters_and_a_failed_one_none()
    {
        await using var engine = await EngineHarness.StartAsync();
        await engine.PublishAsync(Leader("leader"));
        await engine.PublishAsync(Follower("follower", "leader"));

        var led = await engine.StartRunAsync("leader");
        await engine.WaitForAsync(led, RunState.Succeeded);
        var follower = await WaitForRunsAsync(engine, "follower", 1);
        var run = await engine.WaitForAsync(follower[0].Id, RunState.Succeeded);
        Assert.Equal("after", run.Trigger);
        Assert.Equal("said by leader", JsonNode.Parse(run.Steps.Single().Output!)!["text"]!.GetValue<string>());

        // A second notice of the same success starts nothing (idempotency key after:<follower>:<run>).
        await engine.Services.GetServices<LeoPass.Recovery.Engine.Execution.IRunObserver>().OfType<LeoPass.Recovery.Engine.Execution.FollowerRuns>().Single().OnRunStateChangedAsync(
            new LeoPass.Recovery.Engine.Execution.RunStateChange(led, "leader", 1, RunState.Succeeded, null, null, DateTimeOffset.UtcNow), CancellationToken.None);
        Assert.Single(await engine.Queries.ListAsync(10, "follower"));

        await engine.PublishAsync(Leader("leader", fails: true).Replace("\"version\":1", "\"version\":2", StringComparison.Ordinal));
        var halted = await engine.StartRunAsync("leader");
        await engine.WaitForAsync(halted, RunState.Halted);
        await WaitUntilAsync(() => engine.Observer.Changes.Any(c => c.RunId == halted && c.State == RunState.Halted));
        Assert.Single(await engine.Queries.ListAsync(10, "follower"));
    }

    [Fact]
    public async Task A_follower_its_leaders_node_could_not_start_is_started_by_the_catch_up_once()
    {
        // A clock that stands still: the node's own catch-up round runs at start only, so the test's rounds are the only others.
        await using var engine = await EngineHarness.StartAsync(new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow));
        await engine.PublishAsync(Leader("late-leader"));
        await engine.PublishAsync(Follower("late-follower", "late-leader"));
        var led = await engine.StartRunAsync("late-leader");
        await engine.WaitForAsync(led, RunState.Succeeded);
        var first = (await WaitForRunsAsync(engine, "late-follower", 1)).Single();
        await engine.WaitForAsync(first.Id, RunState.Succeeded);

        // As if the leader's node had stopped before its observer ran: no follower carries the leader's key.
        await using (var db = new Npgsql.NpgsqlConnection(engine.Database.ConnectionString))
        {
            await db.OpenAsync();
            await using var forget = new Npgsql.NpgsqlCommand($"UPDATE engine.runs SET idempotency_key = NULL WHERE id = {first.Id}", db);
            Assert.Equal(1, await forget.ExecuteNonQueryAsync());
        }
        var catchUp = engine.Services.GetRequiredService<LeoPass.Recovery.Engine.Execution.FollowerRuns>();
        Assert.Equal(1, await catchUp.CatchUpAsync(CancellationToken.None));
        Assert.Equal(0, await catchUp.CatchUpAsync(CancellationToken.None));
        var runs = await engine.Queries.ListAsync(10, "late-follower");
        Assert.Equal(2, runs.Count);
        Assert.Equal("after", runs[0].Trigger);
    }

    [Fact]
    public async Task A_follower_switched_off_by_its_enabled_reference_starts_nothing()
    {
        await using var engine = await EngineHarness.StartAsync();
        await engine.PublishAsync(Leader("quiet-leader"));
        await engine.PublishAsync(Follower("quiet-follower", "quiet-leader", enabled: "${FOLLOWER_SWITCH_NEVER_SET:-false}"));

        var led = await engine.StartRunAsync("quiet-leader");
        await engine.WaitForAsync(led, RunState.Succeeded);
        // Observers are told in registration order: once the test's own heard the success, the engine's follower starter has too.
        await WaitUntilAsync(() => engine.Observer.Changes.Any(c => c.RunId == led && c.State == RunState.Succeeded));
        Assert.Empty(await engine.Queries.ListAsync(10, "quiet-follower"));
    }

    [Fact]
    public async Task A_follower_whose_steps_lack_a_setting_is_not_attempted_after_the_leaders_success_nor_by_the_catch_up()
    {
        await using var engine = await EngineHarness.StartAsync();
        await engine.PublishAsync(Leader("unset-leader"));
        await engine.PublishAsync(Follower("unset-follower", "unset-leader", activity: UnconfiguredActivity.Descriptor.Type));
        // What a start of it says: the setting its step lacks.
        var refused = await Assert.ThrowsAsync<InvalidRunRequestException>(() => engine.StartRunAsync("unset-follower"));
        Assert.Contains(UnconfiguredActivity.Setting, refused.Message, StringComparison.Ordinal);

        var led = await engine.StartRunAsync("unset-leader");
        await engine.WaitForAsync(led, RunState.Succeeded);
        await WaitUntilAsync(() => engine.Observer.Changes.Any(c => c.RunId == led && c.State == RunState.Succeeded));
        Assert.Empty(await engine.Queries.ListAsync(10, "unset-follower"));
        var followers = engine.Services.GetRequiredService<LeoPass.Recovery.Engine.Execution.FollowerRuns>();
        Assert.Equal(0, await followers.CatchUpAsync(CancellationToken.None));
        Assert.Empty(await engine.Queries.ListAsync(10, "unset-follower"));
        // Skipped for what it lacks, not tried and refused: the node knows why.
        Assert.Contains(UnconfiguredActivity.Setting, followers.Unconfigured["unset-follower"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publishing_refuses_an_unpublished_leader_a_missing_step_an_undeclared_parameter_and_a_loop_each_at_its_json_path()
    {
        await using var engine = await EngineHarness.StartAsync();

        var unknown = await Assert.ThrowsAsync<InvalidDefinitionException>(() => engine.PublishAsync(Follower("orphan", "no-such-leader")));
        Assert.Equal("$.trigger.after.definition", Assert.Single(unknown.Errors).Path);
        Assert.Contains("no definition 'no-such-leader' is published", unknown.Message, StringComparison.Ordinal);

        await engine.PublishAsync(Leader("a-leader"));
        var step = await Assert.ThrowsAsync<InvalidDefinitionException>(() => engine.PublishAsync(Follower("wrong-step", "a-leader", "${steps.nope.output.text}")));
        Assert.Equal("$.trigger.after.parameters.heard", Assert.Single(step.Errors).Path);
        Assert.Contains("names step 'nope', which 'a-leader' v1 does not have (steps: say, done)", step.Message, StringComparison.Ordinal);

        var undeclared = await Assert.ThrowsAsync<InvalidDefinitionException>(() => engine.PublishAsync(
            Follower("undeclared", "a-leader").Replace("\"parameters\":{\"heard\":\"${steps", "\"parameters\":{\"unheard\":\"${steps", StringComparison.Ordinal)));
        Assert.Equal("$.trigger.after.parameters.unheard", Assert.Single(undeclared.Errors).Path);

        // b follows a-leader; a-leader v2 that follows b would close a loop.
        await engine.PublishAsync(Follower("b", "a-leader"));
        var loop = Follower("a-leader", "b", "${steps.echo.output.text}").Replace("\"version\":1", "\"version\":2", StringComparison.Ordinal)
            .Replace("\"steps\":[", "\"steps\":[{\"id\":\"say\",\"activity\":\"diagnostics.noop\"},", StringComparison.Ordinal);
        var refused = await Assert.ThrowsAsync<InvalidDefinitionException>(() => engine.PublishAsync(loop));
        Assert.Contains(refused.Errors, e => e.Path == "$.trigger.after.definition" && e.Reason.Contains("a loop: a-leader follows b follows a-leader", StringComparison.Ordinal));

        var self = await Assert.ThrowsAsync<InvalidDefinitionException>(() => engine.PublishAsync(Follower("narcissus", "narcissus")));
        Assert.Contains(self.Errors, e => e.Path == "$.trigger.after.definition" && e.Reason.Contains("cannot follow itself", StringComparison.Ordinal));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the condition never held");
            await Task.Delay(20);
        }
    }

    private static async Task<IReadOnlyList<Contracts.Run>> WaitForRunsAsync(EngineHarness engine, string definition, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var runs = await engine.Queries.ListAsync(10, definition);
            if (runs.Count >= count) return runs;
            await Task.Delay(50);
        }
        throw new TimeoutException($"no {definition} run started");
    }
}
