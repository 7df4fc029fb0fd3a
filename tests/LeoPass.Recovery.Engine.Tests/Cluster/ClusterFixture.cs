using LeoPass.Recovery.Engine.Tests.Support;
using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.Engine.Tests.Cluster;

/// <summary>
/// A database, a workflows directory and a client engine (executes nothing) for tests that run
/// real `server` processes; the client migrates the database before any server starts.
/// </summary>
public sealed class ClusterFixture : IAsyncDisposable
{
    private readonly List<ServerNode> _servers = [];

    private ClusterFixture(EngineHarness client, string workflows, string schedulerName)
    {
        Client = client;
        WorkflowsDirectory = workflows;
        SchedulerName = schedulerName;
    }

    public EngineHarness Client { get; }
    public string WorkflowsDirectory { get; }
    public string SchedulerName { get; }

    public static Task<ClusterFixture> CreateAsync(params (string File, string Json)[] definitions) => CreateAsync(sendRunSignals: true, definitions);

    /// <param name="sendRunSignals">False: the client announces no run to the servers (NOTIFY), as if every announcement were lost.</param>
    public static async Task<ClusterFixture> CreateAsync(bool sendRunSignals, params (string File, string Json)[] definitions)
    {
        var workflows = Directory.CreateTempSubdirectory("leopass-workflows-").FullName;
        foreach (var (file, json) in definitions) await File.WriteAllTextAsync(Path.Combine(workflows, file), json);
        var schedulerName = EngineHarness.NewSchedulerName();
        var database = await PostgresServer.CreateDatabaseAsync("cluster");
        var client = await EngineHarness.StartAsync(database: database, executesRuns: false, schedulerName: schedulerName, sendRunSignals: sendRunSignals);
        return new ClusterFixture(client, workflows, schedulerName);
    }

    public async Task<ServerNode> StartServerAsync(IReadOnlyDictionary<string, string?>? environment = null)
    {
        var server = await ServerProcess.StartAsync(Client.Database, WorkflowsDirectory, SchedulerName, environment);
        lock (_servers) _servers.Add(server);
        return server;
    }

    public async Task<ServerNode[]> StartServersAsync(int count) =>
        await Task.WhenAll(Enumerable.Range(0, count).Select(_ => StartServerAsync()));

    public string ServerOutput() => string.Join("\n----\n", _servers.Select(s => s.Output));

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers) await server.DisposeAsync();
        await Client.DisposeAsync();
        try { Directory.Delete(WorkflowsDirectory, recursive: true); } catch (IOException) { }
    }
}
