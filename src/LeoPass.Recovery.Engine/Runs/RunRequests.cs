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

/// <summary>A request that cannot be carried out as asked (missing reason, unknown parameter). The API answers 400.</summary>
public sealed class InvalidRunRequestException(string message) : Exception(message);

/// <summary>No such run or definition. The API answers 404.</summary>
public sealed class NotFoundException(string message) : Exception(message);
