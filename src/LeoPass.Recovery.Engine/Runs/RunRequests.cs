namespace LeoPass.Recovery.Engine.Runs;

/// <summary>Starts a run of the newest published version of a definition (or of <see cref="Version"/>).</summary>
/// <param name="Trigger">manual (CLI), api or cron.</param>
/// <param name="IdempotencyKey">A second start with the same key returns the first run instead of starting another.</param>
/// <param name="AutomaticRetries">False: the first failed attempt halts the run (a person watches and decides); true follows each step's retry policy.</param>
public sealed record StartRunRequest(
    string DefinitionId,
    IReadOnlyDictionary<string, string> Parameters,
    string Who,
    string Trigger = "manual",
    string? IdempotencyKey = null,
    int? Version = null,
    bool AutomaticRetries = true);

/// <summary>
/// The run is executed by the process that starts it (a command's node when no server is up): it
/// is created Running with the lease held by <paramref name="Node"/>, in the same transaction, so
/// no poll stands between the request and its first step. Should that process die, the run's lock
/// dies with it and a server continues the run (<see cref="Scheduling.OrphanedRunSweep"/>).
/// </summary>
public sealed record RunHolder(string Node);

/// <summary>A request that cannot be carried out as asked (missing reason, unknown parameter). The API answers 400.</summary>
public sealed class InvalidRunRequestException(string message) : Exception(message);

/// <summary>No such run or definition. The API answers 404.</summary>
public sealed class NotFoundException(string message) : Exception(message);
