using LeoPass.Recovery.Console.Api;

namespace LeoPass.Recovery.Console.Tests;

/// <summary>Runs, steps and attempts as the API would send them, built for one test each.</summary>
internal static class RunsFor
{
    public static readonly DateTimeOffset Start = new(2026, 12, 5, 2, 0, 0, TimeSpan.Zero);

    public static Step Step(string id, int position, string state, TimeSpan waiting = default, string? gate = null, string? error = null) =>
        new(id, position, $"{position + 1}. {id}", $"runbook.{id}", Enum.Parse<StepState>(state), 0, TimeSpan.Zero, waiting, gate, error, null, null);

    public static Attempt Attempt(string stepId, int number, double fromSeconds, double? toSeconds, string outcome, double waitedSeconds = 0, string node = "node-a") =>
        new(stepId, number, node, Start.AddSeconds(fromSeconds), toSeconds is { } t ? Start.AddSeconds(t) : null,
            toSeconds is { } d ? TimeSpan.FromSeconds(d - fromSeconds) : null, TimeSpan.FromSeconds(waitedSeconds), outcome, outcome == "Failed" ? "exit 3" : null, null, []);

    public static Run Run(string state, double? endedAfterSeconds, params Step[] steps) =>
        new(42, "restore-drill", 1, Enum.Parse<RunState>(state), "api", "token:ops", Start, Start, endedAfterSeconds is { } e ? Start.AddSeconds(e) : null,
            "node-a", state == "Halted" ? "step 'migrate' failed" : null, null, steps);

    public static RunDetails Details(Run run, IReadOnlyList<string> allowedNow, params Attempt[] journal) => new(run, journal, [], allowedNow);
}
