using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Core.Configuration;
using LeoPass.Recovery.Engine.Activities;
using LeoPass.Recovery.Engine.Definitions;
using LeoPass.Recovery.Engine.Execution;
using LeoPass.Recovery.Engine.Hosting;
using LeoPass.Recovery.Engine.Journal;
using LeoPass.Recovery.Engine.Runs;
using LeoPass.Recovery.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace LeoPass.Recovery.Engine.Tests.Support;

/// <summary>
/// One engine node in the test process, on a database of the test's own, with the diagnostics
/// activities and the test-only ones registered. The scheduler name is unique per harness, since
/// Quartz keeps schedulers in a process-wide repository by name.
/// </summary>
public sealed class EngineHarness : IAsyncDisposable
{
    private readonly IHost _host;

    private EngineHarness(TestDatabase database, IHost host, FakeTimeProvider? clock)
    {
        Database = database;
        _host = host;
        Clock = clock;
    }

    public static string NewSchedulerName() => "test-" + Guid.NewGuid().ToString("N")[..8];

    public TestDatabase Database { get; }
    public FakeTimeProvider? Clock { get; }
    public IServiceProvider Services => _host.Services;
    public RunOperations Operations => Services.GetRequiredService<RunOperations>();
    public RunQueries Queries => Services.GetRequiredService<RunQueries>();
    public RecordingRunObserver Observer => Services.GetRequiredService<RecordingRunObserver>();

    /// <param name="sendRunSignals">False: this node announces nothing (NOTIFY), as if every announcement were lost.</param>
    public static async Task<EngineHarness> StartAsync(FakeTimeProvider? clock = null, TestDatabase? database = null, bool executesRuns = true, string? schedulerName = null, bool sendRunSignals = true)
    {
        database ??= await PostgresServer.CreateDatabaseAsync("engine");
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        if (clock is not null) builder.Services.AddSingleton<TimeProvider>(clock);
        builder.AddRecoveryEngine(new RecoverySettings { RecoveryDatabase = database.ConnectionString }, o =>
        {
            o.SchedulerName = schedulerName ?? NewSchedulerName();
            o.EnableDiagnosticActivities = true;
            o.ExecutesRuns = executesRuns;
            o.SendRunSignals = sendRunSignals;
        });
        builder.Services.AddActivity<AdvanceClockActivity>();
        builder.Services.AddActivity<UnconfiguredActivity>();
        builder.Services.AddSingleton<RecordingRunObserver>();
        builder.Services.AddSingleton<IRunObserver>(sp => sp.GetRequiredService<RecordingRunObserver>());
        var host = builder.Build();
        await host.StartAsync();
        return new EngineHarness(database, host, clock);
    }

    public async Task<DefinitionVersionRecord> PublishAsync(string json)
    {
        var loaded = Services.GetRequiredService<DefinitionLoader>().Parse(json, "test.json");
        return await Services.GetRequiredService<DefinitionCatalog>().PublishAsync(loaded, "test");
    }

    public async Task<long> StartRunAsync(string definitionId, IReadOnlyDictionary<string, string>? parameters = null) =>
        (await Operations.StartAsync(new StartRunRequest(definitionId, parameters ?? new Dictionary<string, string>(), "tester"))).Id;

    /// <summary>Polls until the run is in one of the states, or fails with the run as it stands.</summary>
    public async Task<Run> WaitForAsync(long runId, params RunState[] states)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        Run run;
        do
        {
            run = await Queries.GetAsync(runId);
            if (states.Contains(run.State)) return run;
            await Task.Delay(25);
        }
        while (DateTime.UtcNow < deadline);
        throw new TimeoutException($"run {runId} is {run.State} ({run.HaltReason}); expected {string.Join(" or ", states)}; steps: {string.Join(", ", run.Steps.Select(s => $"{s.StepId}={s.State}"))}");
    }

    public async Task<Run> WaitForStepAsync(long runId, string stepId, StepState state)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        Run run;
        do
        {
            run = await Queries.GetAsync(runId);
            if (run.Steps.Single(s => s.StepId == stepId).State == state) return run;
            await Task.Delay(25);
        }
        while (DateTime.UtcNow < deadline);
        throw new TimeoutException($"step {stepId} of run {runId} never became {state}: run {run.State}, steps {string.Join(", ", run.Steps.Select(s => $"{s.StepId}={s.State}"))}");
    }

    public async Task<int> CountEventsAsync(long runId, string stepId, string name)
    {
        var factory = Services.GetRequiredService<IDbContextFactory<EngineDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        return await db.DiagnosticEvents.CountAsync(e => e.RunId == runId && e.StepId == stepId && e.Event == name);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        await Database.DisposeAsync();
    }
}
