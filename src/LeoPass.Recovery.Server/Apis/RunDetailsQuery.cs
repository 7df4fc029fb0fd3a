using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Engine.Journal;
using LeoPass.Recovery.Engine.Runs;

namespace LeoPass.Recovery.Server.Apis;

/// <summary>The one shape every run endpoint answers with: the run, its journal, its audit trail and what may be asked of it now.</summary>
internal static class RunDetailsQuery
{
    public static async Task<RunDetails> DetailsAsync(this RunQueries queries, long runId, CancellationToken cancellationToken)
    {
        var run = await queries.GetAsync(runId, cancellationToken);
        var journal = await queries.JournalAsync(runId, cancellationToken);
        var audit = await queries.AuditAsync(runId, cancellationToken);
        return new RunDetails(run, journal, audit,
            RunTransitions.ResponderOperationsNow(run.State));
    }
}
