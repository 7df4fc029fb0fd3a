using System.Text.Json.Nodes;

namespace LeoPass.Recovery.Engine.Journal;

/// <summary>This node's hold on a run: valid while the run's lease token is still <see cref="Token"/>.</summary>
public sealed record RunLease(long RunId, long Token, string Node, long DefinitionVersionId, string DefinitionId, int DefinitionVersion, JsonObject Parameters, bool AutomaticRetries)
{
    /// <summary>The run is aborted and this node runs its <c>onAbort.undo</c> steps: attempts may begin although the run is not Running.</summary>
    public bool UndoingAbort { get; init; }

    /// <summary>
    /// Rows already changed in memory whose write rides with the next fenced transaction of this
    /// run (see <see cref="Journal.RunJournalWriter.EndAttemptAsync"/>). Only ever the end of a
    /// successful attempt that the next step's start follows at once.
    /// </summary>
    internal List<object> PendingWrites { get; } = [];
}
