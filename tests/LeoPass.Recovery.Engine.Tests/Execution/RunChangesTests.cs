using static LeoPass.Recovery.Engine.Tests.Support.Workflows;
using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Engine.Journal;
using LeoPass.Recovery.Engine.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace LeoPass.Recovery.Engine.Tests.Execution;

/// <summary>A follower in the executing process is woken by the journal, not by polling.</summary>
public sealed class RunChangesTests
{
    [Fact]
    public void A_signal_completes_at_the_next_pulse_only()
    {
        var changes = new RunChanges();
        var before = changes.Next;
        Assert.False(before.IsCompleted);
        changes.Pulse();
        Assert.True(before.IsCompleted);
        // Taken after the pulse: waits for the next one.
        Assert.False(changes.Next.IsCompleted);
    }

    [Fact]
    public async Task The_executing_node_pulses_when_it_journals_a_run()
    {
        await using var engine = await EngineHarness.StartAsync();
        var changes = engine.Services.GetRequiredService<RunChanges>();
        await engine.PublishAsync(Definition("signalled", Noop("a"), Noop("b")));

        var firstChange = changes.Next;
        Assert.False(firstChange.IsCompleted);
        var runId = await engine.StartRunAsync("signalled");
        // The node taking the run over (or starting its first step) commits, and that wakes followers.
        await firstChange.WaitAsync(TimeSpan.FromSeconds(30));
        var run = await engine.WaitForAsync(runId, RunState.Succeeded);
        Assert.Equal(RunState.Succeeded, run.State);
    }
}
