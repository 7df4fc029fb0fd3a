using static LeoPass.Recovery.Engine.Tests.Support.Workflows;
using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Engine.Tests.Execution;

namespace LeoPass.Recovery.Engine.Tests.Cluster;

[Collection(ClusterCollection.Name)]
public sealed class RemoteAbortTests
{
    [Fact]
    public async Task An_abort_from_another_process_cancels_the_step_running_on_a_server()
    {
        await using var cluster = await ClusterFixture.CreateAsync(("remote.json", Definition("remote", Sleep("long", "PT60S"), Noop("never"))));
        await cluster.StartServerAsync();
        var runId = await cluster.Client.StartRunAsync("remote");
        await cluster.Client.WaitForStepAsync(runId, "long", StepState.Running);

        await cluster.Client.Operations.AbortAsync(runId, "drill cancelled", "ops");

        var attempt = await RunExecutionTests.WaitForAttemptEndAsync(cluster.Client, runId, "long");
        Assert.Equal("Cancelled", attempt.Outcome);
        Assert.True(attempt.Duration < TimeSpan.FromSeconds(30), $"the attempt ran {attempt.Duration} after the abort");
        Assert.Equal(RunState.Aborted, (await cluster.Client.Queries.GetAsync(runId)).State);
        Assert.Equal(0, await cluster.Client.CountEventsAsync(runId, "long", "completed"));
    }
}
