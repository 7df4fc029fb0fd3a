using LeoPass.Recovery.Core.Targets;
using LeoPass.Recovery.Engine.Journal;
using LeoPass.Recovery.Runbook.Planning;
using Microsoft.Extensions.DependencyInjection;

namespace LeoPass.Recovery.Runbook.Restore;

/// <summary>
/// Runbook step 3, `runbook.download-artefact`: chooses the restore point, then downloads it,
/// checks its SHA-256 against the manifest, decrypts and decompresses it — one streaming pass —
/// into the run's local dump file, and names it (path, node, size) in its output for the restore
/// step. Records the RPO: run start minus the snapshot's start.
/// </summary>
public sealed class DownloadArtefactActivity(RestorePointResolver resolver, DumpFiles dumps, RecoverySettings settings)
    : IActivity, IActivityDeclaration, IActivitySettingsRequirements, IActivityPlanner
{
    public static ActivityDescriptor Descriptor { get; } = new("runbook.download-artefact",
        "Choose the restore point (latest verified, a key or a date), download, verify SHA-256, decrypt and decompress to a local file; record the RPO.",
    [
        new ActivityParameter("backup", "`latest`, an artefact key, or a UTC date yyyy-MM-dd.", Default: JsonValue.Create("latest")),
    ])
    {
        Outputs = [new("key", "The artefact restored"), new("file", "The decrypted dump on this node"), new("node", "The node holding the file"), new("snapshotStartedAt", "The restore point")],
    };

    public IEnumerable<SettingProblem> CheckSettings(ActivityParameters parameters)
    {
        if (settings.Backup.DecryptionPrivateKeyPath is null)
        {
            yield return new SettingProblem("BACKUP_DECRYPTION_PRIVATE_KEY", "the private key that decrypts the backup");
        }
    }

    /// <summary>Chooses the restore point from the catalogue and its manifest (both small reads); downloads nothing.</summary>
    public async Task<ActivityPlan> PlanAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var selector = context.Parameters.GetString("backup") is { Length: > 0 } s ? s : "latest";
        var manifest = await RunbookFailures.NotRetryableAsync(() => resolver.ResolveAsync(selector, cancellationToken));
        var path = Path.Combine(dumps.WorkDirectory, $"run-{PlanText.RunId(context.RunId)}", manifest.Key + ".dump");
        var rpo = context.Time.GetUtcNow() - manifest.Snapshot.StartedAt;
        return new ActivityPlan(
        [
            $"would download artefact {manifest.Key} ({PlanText.Bytes(manifest.Sizes.StoredBytes)}, snapshot of {manifest.Database.Name} taken {manifest.Snapshot.StartedAt:yyyy-MM-dd HH:mm} UTC) from {settings.Storage.Describe()}",
            $"would verify its SHA-256 {manifest.Sha256[..16]}…, decrypt and decompress it to {path} ({PlanText.Bytes(manifest.Sizes.DumpBytes)})",
            $"the restore point would be {PlanText.Age(rpo)} old now (RPO target {PlanText.Age(RecoveryTargets.RecoveryPointObjective)}){(rpo > RecoveryTargets.RecoveryPointObjective ? ": over the target" : "")}",
        ], new JsonObject
        {
            ["key"] = manifest.Key,
            ["file"] = path,
            ["node"] = context.Identity.Node,
            ["sha256"] = manifest.Sha256,
            ["storedBytes"] = manifest.Sizes.StoredBytes,
            ["dumpBytes"] = manifest.Sizes.DumpBytes,
            ["snapshotStartedAt"] = manifest.Snapshot.StartedAt,
            ["latestMigration"] = manifest.LatestMigration?.Name,
            ["tables"] = manifest.Tables.Count,
        });
    }

    public async Task<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var selector = context.Parameters.GetString("backup") is { Length: > 0 } s ? s : "latest";
        var manifest = await RunbookFailures.NotRetryableAsync(() => resolver.ResolveAsync(selector, cancellationToken));
        var path = dumps.PathFor(context.RunId, manifest);
        await context.RecordIntentAsync($"download {manifest.Key} ({manifest.Sizes.StoredBytes} bytes), verify, decrypt and decompress to {path}", cancellationToken);
        var result = await RunbookFailures.TranslateAsync(() => dumps.DownloadAsync(context.RunId, manifest, cancellationToken));

        var run = await context.Services.GetRequiredService<RunQueries>().GetAsync(context.RunId, cancellationToken);
        var runStart = run.StartedAt ?? run.CreatedAt;
        var rpo = runStart - manifest.Snapshot.StartedAt;
        if (rpo > RecoveryTargets.RecoveryPointObjective)
        {
            context.Logger.LogRpoAtRisk(context.RunId, manifest.Key, rpo);
        }
        return ActivityResult.Completed(new JsonObject
        {
            ["key"] = manifest.Key,
            // Where the dump is and which node wrote it: the restore step uses it only where it is real.
            ["file"] = path,
            ["node"] = context.Identity.Node,
            ["sha256"] = result.Sha256,
            ["storedBytes"] = result.StoredBytes,
            ["dumpBytes"] = result.DumpBytes,
            ["snapshotStartedAt"] = manifest.Snapshot.StartedAt,
            ["rpoSeconds"] = Math.Round(rpo.TotalSeconds, 3),
            ["rpoTargetSeconds"] = RecoveryTargets.RecoveryPointObjective.TotalSeconds,
            ["rpoMet"] = rpo <= RecoveryTargets.RecoveryPointObjective,
            ["latestMigration"] = manifest.LatestMigration?.Name,
            ["tables"] = manifest.Tables.Count,
            ["durationMs"] = (long)result.Duration.TotalMilliseconds,
            ["dataOffsets"] = result.DataOffsets,
        });
    }
}
