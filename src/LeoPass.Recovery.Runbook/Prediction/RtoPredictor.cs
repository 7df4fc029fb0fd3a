using LeoPass.Recovery.Backup.Catalogue;
using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Core.Targets;
using LeoPass.Recovery.Engine.Definitions;
using LeoPass.Recovery.Engine.Journal;
using LeoPass.Recovery.Runbook.Reporting;
using LeoPass.Recovery.Runbook.Restore;

namespace LeoPass.Recovery.Runbook.Prediction;

/// <summary>
/// Predicts the RTO of a restore of the newest verified backup from the journal: the last
/// <see cref="SamplesPerKind"/> succeeded download and restore attempts of any definition (drills,
/// incident restores, and every night's verify-restore) give the throughput, the last
/// <see cref="DrillsForFixedTime"/> successful drills the time of everything else
/// (<see cref="RtoPrediction"/>).
/// </summary>
public sealed class RtoPredictor(RunStatistics statistics, BackupCatalogue catalogue, DefinitionCatalog definitions, RunQueries runs, RunReportBuilder reports)
{
    public const int SamplesPerKind = 5;
    public const int DrillsForFixedTime = 3;

    public async Task<RtoPrediction?> PredictAsync(CancellationToken cancellationToken = default)
    {
        var backup = await catalogue.LatestVerifiedAsync(cancellationToken);
        if (backup is null) return null;
        var downloads = await SamplesAsync(DownloadArtefactActivity.Descriptor.Type, "storedBytes", cancellationToken);
        var restores = await SamplesAsync(RestoreActivity.Descriptor.Type, "dumpBytes", cancellationToken);
        var (fixedTime, basis) = await FixedTimeAsync(cancellationToken);
        return RtoPrediction.Compute(downloads, restores, fixedTime, basis, backup.Key, backup.StoredBytes, backup.DumpBytes, RecoveryTargets.RecoveryTimeObjective);
    }

    private async Task<IReadOnlyList<ThroughputSample>> SamplesAsync(string activity, string bytesField, CancellationToken cancellationToken) =>
        (await statistics.SucceededAttemptsOfAsync(activity, SamplesPerKind, cancellationToken))
            .Select(a => (Attempt: a, Bytes: a.Output is null ? null : (JsonNode.Parse(a.Output) as JsonObject)?[bytesField]?.GetValue<long>()))
            .Where(x => x.Bytes is > 0)
            .Select(x => new ThroughputSample(x.Attempt.RunId, x.Attempt.DefinitionId, x.Bytes!.Value, x.Attempt.Duration, x.Attempt.EndedAt))
            .ToList();

    /// <summary>
    /// The mean, over the last drills, of their RTO less their download and restore work, and less
    /// what a planned restore would not repeat: time halted waiting for a responder and time lost to
    /// interrupted nodes (gate waits stay: an incident restore waits at its gates too). Zero before the first drill.
    /// </summary>
    private async Task<(TimeSpan Fixed, string Basis)> FixedTimeAsync(CancellationToken cancellationToken)
    {
        var drillIds = await runs.SucceededSinceAsync(await definitions.RestoreDefinitionIdsAsync(cancellationToken), DateTimeOffset.MinValue, DrillsForFixedTime, cancellationToken);
        var rest = new List<double>();
        foreach (var id in drillIds)
        {
            var report = await reports.BuildAsync(id, null, cancellationToken);
            if (report.RtoSeconds is not { } rto) continue;
            var transfer = report.Steps.Where(s => s.CountsTowardRto && s.Activity is var a && (a == DownloadArtefactActivity.Descriptor.Type || a == RestoreActivity.Descriptor.Type)).Sum(s => s.WorkSeconds);
            var mishaps = (report.RtoBreakdown?.HaltedSeconds ?? 0) + (report.RtoBreakdown?.LostSeconds ?? 0);
            rest.Add(Math.Max(0, rto - transfer - mishaps));
        }
        return rest.Count switch
        {
            0 => (TimeSpan.Zero, "no drill yet, not counted"),
            1 => (TimeSpan.FromSeconds(rest[0]), "as in the last drill"),
            _ => (TimeSpan.FromSeconds(rest.Average()), $"mean of the last {rest.Count} drills"),
        };
    }
}
