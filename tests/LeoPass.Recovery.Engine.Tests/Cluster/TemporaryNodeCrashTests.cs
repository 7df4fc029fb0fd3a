using static LeoPass.Recovery.Engine.Tests.Support.Workflows;
using System.Globalization;
using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.Engine.Tests.Cluster;

/// <summary>
/// A command's temporary node (`run start --wait` with no server up) executes its run directly,
/// under the run's lock, and joins no scheduler, so Quartz knows nothing of the run. Killed with
/// -9 mid-step, its lock dies with it and a server's sweep continues the run: the step runs again
/// as a new attempt there, and the dead command's attempt is journaled as interrupted. While the
/// command lives, `run status` says that it executes the run, not that its node is presumed dead.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class TemporaryNodeCrashTests
{
    [Fact]
    public async Task A_command_executing_its_run_killed_mid_step_has_the_run_finished_by_a_server_with_a_new_attempt()
    {
        await using var cluster = await ClusterFixture.CreateAsync(("cli-crash.json", Definition("cli-crash", Noop("before"), Sleep("long", "PT30S"), Noop("after"))));
        var environment = new Dictionary<string, string?>
        {
            ["RECOVERY_DATABASE_URL"] = cluster.Client.Database.Url,
            ["LEOPASS_SCHEDULER_NAME"] = cluster.SchedulerName,
            ["LEOPASS_WORKFLOWS_DIR"] = cluster.WorkflowsDirectory,
            ["LEOPASS_ENABLE_TEST_ACTIVITIES"] = "1",
        };
        await using var command = CliRunner.Start(environment, "run", "start", "cli-crash", "--wait");
        var runId = await WaitForRunAsync(cluster, command);
        await cluster.Client.WaitForStepAsync(runId, "long", StepState.Running);
        var first = (await cluster.Client.Queries.JournalAsync(runId)).Single(a => a.StepId == "long");

        var status = await CliRunner.RunAsync(environment, TimeSpan.FromMinutes(3), "run", "status", runId.ToString(CultureInfo.InvariantCulture));
        Assert.Contains($"held by node {first.Node}, a command's temporary node executing it now", status.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("presumed dead", status.StandardOutput, StringComparison.Ordinal);

        command.KillHard();
        var server = await cluster.StartServerAsync();

        var run = await cluster.Client.WaitForAsync(runId, RunState.Succeeded, RunState.Halted, RunState.Aborted);
        Assert.True(run.State == RunState.Succeeded, cluster.ServerOutput());
        var attempts = (await cluster.Client.Queries.JournalAsync(runId)).Where(a => a.StepId == "long").ToList();
        Assert.Equal(2, attempts.Count);
        Assert.Equal("Interrupted", attempts[0].Outcome);
        Assert.Equal(first.Node, attempts[0].Node);
        Assert.Equal("Succeeded", attempts[1].Outcome);
        Assert.Equal(server.NodeId, attempts[1].Node);
        Assert.Single(await cluster.Client.Queries.JournalAsync(runId), a => a.StepId == "before");
        Assert.Contains("no node executes it", cluster.ServerOutput(), StringComparison.Ordinal);
    }

    /// <summary>The run the command started: the only run of the fixture's database.</summary>
    private static async Task<long> WaitForRunAsync(ClusterFixture cluster, CliProcess command)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            if (await cluster.Client.Queries.ListAsync(1) is [var run]) return run.Id;
            if (command.HasExited) throw new InvalidOperationException($"the command exited before starting a run:\n{command.StandardOutputSoFar}\n{command.StandardErrorSoFar}");
            await Task.Delay(50);
        }
        throw new TimeoutException($"the command started no run:\n{command.StandardOutputSoFar}\n{command.StandardErrorSoFar}");
    }
}
