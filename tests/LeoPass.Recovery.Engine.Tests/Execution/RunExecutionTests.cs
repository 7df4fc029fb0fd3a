using static LeoPass.Recovery.Engine.Tests.Support.Workflows;
using System.Diagnostics;
using System.Text.Json.Nodes;
using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Engine.Runs;
using LeoPass.Recovery.Engine.Tests.Support;

namespace LeoPass.Recovery.Engine.Tests.Execution;

public sealed class RunExecutionTests
{
    [Fact]
    public async Task Steps_run_in_order_and_every_attempt_is_journaled_with_a_duration()
    {
        await using var engine = await EngineHarness.StartAsync();
        await engine.PublishAsync(Definition("ordered", Sleep("first", "PT0.2S"), Sleep("second", "PT0.1S"), Noop("third")));

        var runId = await engine.StartRunAsync("ordered");
        var run = await engine.WaitForAsync(runId, RunState.Succeeded);

        Assert.All(run.Steps, s => Assert.Equal(StepState.Succeeded, s.State));
        var journal = await engine.Queries.JournalAsync(runId);
        Assert.Equal(["first", "second", "third"], journal.Select(a => a.StepId));
        Assert.All(journal, a =>
        {
            Assert.Equal("Succeeded", a.Outcome);
            Assert.Equal(1, a.Number);
            Assert.NotNull(a.Duration);
            Assert.False(string.IsNullOrEmpty(a.Node));
        });
        for (var i = 1; i < journal.Count; i++) Assert.True(journal[i].StartedAt >= journal[i - 1].EndedAt, "a step started before the previous one ended");
        Assert.True(journal[0].Duration >= TimeSpan.FromMilliseconds(200));
        Assert.Contains(journal[0].Intents, i => i.StartsWith("sleep 200 ms", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Attempt_durations_add_up_to_the_run_wall_time_within_scheduling_overhead()
    {
        await using var engine = await EngineHarness.StartAsync();
        await engine.PublishAsync(Definition("timed", Sleep("a", "PT0.3S"), Sleep("b", "PT0.3S"), Sleep("c", "PT0.3S")));

        var run = await engine.WaitForAsync(await engine.StartRunAsync("timed"), RunState.Succeeded);

        var journal = await engine.Queries.JournalAsync(run.Id);
        var work = journal.Aggregate(TimeSpan.Zero, (sum, a) => sum + a.Duration!.Value);
        Assert.True(work >= TimeSpan.FromMilliseconds(900));
        var overhead = run.WallTime!.Value - work;
        // Takeover, three journal transactions and the run's completion, on a shared 2-core machine.
        Assert.InRange(overhead, TimeSpan.Zero, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task A_step_that_fails_once_then_succeeds_has_two_attempts()
    {
        await using var engine = await EngineHarness.StartAsync();
        await engine.PublishAsync(Definition("flaky", Noop("before"), FailUntil("flaky", succeedOnAttempt: 2, maxAttempts: 3)));

        var run = await engine.WaitForAsync(await engine.StartRunAsync("flaky"), RunState.Succeeded);

        var attempts = (await engine.Queries.JournalAsync(run.Id)).Where(a => a.StepId == "flaky").ToList();
        Assert.Equal([1, 2], attempts.Select(a => a.Number));
        Assert.Equal(["Failed", "Succeeded"], attempts.Select(a => a.Outcome));
        Assert.Contains("diagnostic failure (attempt 1)", attempts[0].Error, StringComparison.Ordinal);
        Assert.Equal(2, run.Steps.Single(s => s.StepId == "flaky").Attempts);
    }

    [Fact]
    public async Task A_failure_past_its_retries_halts_the_run_with_the_reason()
    {
        await using var engine = await EngineHarness.StartAsync();
        await engine.PublishAsync(Definition("broken", Noop("ok"), FailUntil("broken", succeedOnAttempt: 0, maxAttempts: 2), Noop("never")));

        var run = await engine.WaitForAsync(await engine.StartRunAsync("broken"), RunState.Halted);

        Assert.Equal(StepState.Failed, run.Steps.Single(s => s.StepId == "broken").State);
        Assert.Equal(StepState.Pending, run.Steps.Single(s => s.StepId == "never").State);
        Assert.Contains("step 'broken' failed after 2 attempt(s)", run.HaltReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Observers_hear_that_a_run_halted_with_its_reason_and_later_succeeded()
    {
        await using var engine = await EngineHarness.StartAsync();
        await engine.PublishAsync(Definition("observed", FailUntil("flaky", succeedOnAttempt: 2, maxAttempts: 1)));
        var runId = await engine.StartRunAsync("observed");
        await engine.WaitForAsync(runId, RunState.Halted);

        await engine.Operations.RetryAsync(runId, "ops");
        await engine.WaitForAsync(runId, RunState.Succeeded);

        // Observers are told after the state is committed, so the database can show Succeeded a moment before they hear it.
        var heard = Stopwatch.StartNew();
        while (engine.Observer.Changes.Count(c => c.RunId == runId) < 2 && heard.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(20);
        var changes = engine.Observer.Changes.Where(c => c.RunId == runId).ToList();
        Assert.Equal([RunState.Halted, RunState.Succeeded], changes.Select(c => c.State));
        Assert.Contains("step 'flaky' failed after 1 attempt(s)", changes[0].Reason, StringComparison.Ordinal);
        Assert.Equal("flaky", changes[0].StepId);
    }

    [Fact]
    public async Task Retry_after_halt_completes_run_and_keeps_one_attempt_for_earlier_steps()
    {
        await using var engine = await EngineHarness.StartAsync();
        await engine.PublishAsync(Definition("retry", Noop("one"), Sleep("two"), FailUntil("three", succeedOnAttempt: 3, maxAttempts: 2), Noop("four")));
        var runId = await engine.StartRunAsync("retry");
        await engine.WaitForAsync(runId, RunState.Halted);

        await engine.Operations.RetryAsync(runId, "alice");
        var run = await engine.WaitForAsync(runId, RunState.Succeeded);

        var journal = await engine.Queries.JournalAsync(runId);
        Assert.Single(journal, a => a.StepId == "one");
        Assert.Single(journal, a => a.StepId == "two");
        Assert.Equal(1, await engine.CountEventsAsync(runId, "two", "completed"));
        Assert.Equal(["Failed", "Failed", "Succeeded"], journal.Where(a => a.StepId == "three").Select(a => a.Outcome));
        Assert.Equal(StepState.Succeeded, run.Steps.Single(s => s.StepId == "four").State);
        var audit = await engine.Queries.AuditAsync(runId);
        Assert.Contains(audit, a => a.Action == "run.retry" && a.Who == "alice");
    }

    [Fact]
    public async Task Skip_with_a_reason_continues_after_the_failed_step()
    {
        await using var engine = await EngineHarness.StartAsync();
        await engine.PublishAsync(Definition("skip", FailUntil("broken", 0, 1), Noop("after")));
        var runId = await engine.StartRunAsync("skip");
        await engine.WaitForAsync(runId, RunState.Halted);

        await Assert.ThrowsAsync<LeoPass.Recovery.Engine.Runs.InvalidRunRequestException>(() => engine.Operations.SkipAsync(runId, "broken", " ", "bob"));
        await engine.Operations.SkipAsync(runId, "broken", "known issue, done by hand", "bob");
        var run = await engine.WaitForAsync(runId, RunState.Succeeded);

        var skipped = run.Steps.Single(s => s.StepId == "broken");
        Assert.Equal(StepState.Skipped, skipped.State);
        Assert.Contains("known issue, done by hand", skipped.SkipReason, StringComparison.Ordinal);
        Assert.Contains(await engine.Queries.AuditAsync(runId), a => a.Action == "run.skip" && a.Reason == "known issue, done by hand" && a.Who == "bob");
    }

    [Fact]
    public async Task A_disabled_step_is_skipped_with_the_reason_disabled_in_definition()
    {
        await using var engine = await EngineHarness.StartAsync();
        await engine.PublishAsync(Definition("disabled", Noop("a"), Step("b", "diagnostics.noop", enabled: false), Noop("c")));

        var run = await engine.WaitForAsync(await engine.StartRunAsync("disabled"), RunState.Succeeded);

        Assert.Equal("disabled in definition", run.Steps.Single(s => s.StepId == "b").SkipReason);
        Assert.DoesNotContain(await engine.Queries.JournalAsync(run.Id), a => a.StepId == "b");
    }

    [Fact]
    public async Task Abort_cancels_the_running_activity_and_ends_the_run()
    {
        await using var engine = await EngineHarness.StartAsync();
        await engine.PublishAsync(Definition("abort", Sleep("long", "PT60S"), Noop("never")));
        var runId = await engine.StartRunAsync("abort");
        await engine.WaitForStepAsync(runId, "long", StepState.Running);

        await engine.Operations.AbortAsync(runId, "wrong backup chosen", "carol");
        var run = await engine.WaitForAsync(runId, RunState.Aborted);

        Assert.Contains("wrong backup chosen", run.HaltReason, StringComparison.Ordinal);
        var attempt = await WaitForAttemptEndAsync(engine, runId, "long");
        Assert.Equal("Cancelled", attempt.Outcome);
        Assert.True(attempt.Duration < TimeSpan.FromSeconds(30));
        Assert.Equal(0, await engine.CountEventsAsync(runId, "long", "completed"));
    }

    [Fact]
    public async Task A_step_timeout_fails_the_attempt_as_timed_out()
    {
        await using var engine = await EngineHarness.StartAsync();
        await engine.PublishAsync(Definition("timeout", Step("slow", "diagnostics.sleep", new JsonObject { ["duration"] = "PT30S" }, maxAttempts: 2, timeout: "PT0.3S")));

        var run = await engine.WaitForAsync(await engine.StartRunAsync("timeout"), RunState.Halted);

        var journal = await engine.Queries.JournalAsync(run.Id);
        Assert.Equal(["TimedOut", "TimedOut"], journal.Select(a => a.Outcome));
        Assert.Contains("timed out after PT0.3S", run.HaltReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Step_parameters_merge_run_parameters_and_earlier_outputs()
    {
        await using var engine = await EngineHarness.StartAsync();
        await engine.PublishAsync(Definition("params",
            Step("a", "diagnostics.sleep", new JsonObject { ["duration"] = "PT0S", ["label"] = "step-a" }),
            Step("b", "diagnostics.sleep", new JsonObject { ["duration"] = "PT0S", ["label"] = "after ${steps.a.output.label} on ${steps.a.output.node}" })));

        var runId = await engine.StartRunAsync("params", new Dictionary<string, string> { ["label"] = "overridden" });
        var run = await engine.WaitForAsync(runId, RunState.Succeeded);

        // The run parameter "label" overrides both steps' own value (run parameters win over step defaults).
        Assert.Equal("overridden", JsonNode.Parse(run.Steps[0].Output!)!["label"]!.GetValue<string>());
        Assert.Equal("overridden", JsonNode.Parse(run.Steps[1].Output!)!["label"]!.GetValue<string>());
    }

    [Fact]
    public async Task Unknown_run_parameters_are_refused()
    {
        await using var engine = await EngineHarness.StartAsync();
        await engine.PublishAsync(Definition("strict", Noop("a")));

        var e = await Assert.ThrowsAsync<LeoPass.Recovery.Engine.Runs.InvalidRunRequestException>(() =>
            engine.StartRunAsync("strict", new Dictionary<string, string> { ["colour"] = "red" }));
        Assert.Contains("declares no parameter 'colour'", e.Message, StringComparison.Ordinal);
    }

    internal static async Task<Contracts.Attempt> WaitForAttemptEndAsync(EngineHarness engine, long runId, string stepId)
    {
        for (var i = 0; i < 400; i++)
        {
            var attempt = (await engine.Queries.JournalAsync(runId)).LastOrDefault(a => a.StepId == stepId);
            if (attempt?.EndedAt is not null) return attempt;
            await Task.Delay(25);
        }
        throw new TimeoutException($"the attempt of {stepId} never ended");
    }
}
