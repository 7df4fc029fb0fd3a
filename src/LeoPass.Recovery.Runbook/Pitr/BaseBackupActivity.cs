using LeoPass.Recovery.Backup;
using LeoPass.Recovery.Backup.BaseBackups;
using LeoPass.Recovery.Backup.Catalogue;
using LeoPass.Recovery.Runbook.Backup;

namespace LeoPass.Recovery.Runbook.Pitr;

/// <summary>
/// `pitr.basebackup`: a base backup through the backup pipeline's layers, then a wait until the
/// WAL stream has shipped the backup's end segment — until then the backup cannot be restored,
/// so a missing stream fails the step here (the backup stays stored and becomes restorable once
/// the stream ships that segment). A repeated attempt makes a new base backup under a new key.
/// </summary>
public sealed class BaseBackupActivity(BaseBackupPipeline pipeline, PitrCatalogue catalogue, RecoverySettings settings) : IActivity, IActivityDeclaration, IActivitySettingsRequirements
{
    public static ActivityDescriptor Descriptor { get; } = new("pitr.basebackup",
        "pg_basebackup -Ft -X none of WAL_SOURCE_URL (or DATABASE_URL) → zstd → OpenPGP → upload → signed manifest; then wait until the WAL stream shipped its end segment.",
    [
        new ActivityParameter("walWait", "How long to wait for the stream to ship the backup's end segment (ISO 8601 duration).", Default: JsonValue.Create("PT5M")),
    ])
    {
        Category = "backup",
        Outputs = [new("key", "The base backup's key"), new("startLsn", "Where its WAL starts"), new("endLsn", "Where it is consistent"), new("endSegment", "The segment it needs last")],
    };

    public IEnumerable<SettingProblem> CheckSettings(ActivityParameters parameters)
    {
        if (settings.Pitr.SourceConnection is null && settings.SourceDatabase is null) yield return new SettingProblem("WAL_SOURCE_URL", "the source to back up (or DATABASE_URL), as a role with REPLICATION");
        if (settings.Backup.EncryptionPublicKeyPath is null) yield return new SettingProblem("BACKUP_ENCRYPTION_PUBLIC_KEY", "the public key base backups are encrypted to");
    }

    public async Task<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        await context.RecordIntentAsync(
            $"pg_basebackup of {PostgresConnectionString.Describe(settings.RequireWalSource())} into a new base backup in {settings.Storage.Describe()}", cancellationToken);
        var stages = new JournalingObserver(context);
        BaseBackupResult result;
        try
        {
            result = await RunbookFailures.NotRetryableOnKeysAsync(() => pipeline.RunAsync(stages, cancellationToken));
        }
        finally
        {
            await stages.FlushAsync();
        }
        var m = result.Manifest;
        var wait = System.Xml.XmlConvert.ToTimeSpan(context.Parameters.GetString("walWait") ?? "PT5M");
        await context.RecordIntentAsync($"wait up to {wait.TotalMinutes:0.#} min for the WAL stream to ship {m.Backup.EndSegment}, the last segment {m.Key} needs", cancellationToken);
        var deadline = context.Time.GetUtcNow() + wait;
        while (await catalogue.FindSegmentAsync(m.Backup.Timeline, m.Backup.EndSegment, cancellationToken) is null)
        {
            if (context.Time.GetUtcNow() > deadline)
            {
                throw new ActivityFailedException(
                    $"base backup {m.Key} is stored, but the WAL stream did not ship its end segment {m.Backup.EndSegment} within {wait.TotalMinutes:0.#} min, so it cannot be restored yet: " +
                    "is a server running with WAL_STREAM=1 (`backup list` shows the stream)? It becomes restorable once that segment ships", retryable: false);
            }
            await Task.Delay(TimeSpan.FromSeconds(1), context.Time, cancellationToken);
        }
        return ActivityResult.Completed(new JsonObject
        {
            ["key"] = m.Key,
            ["startLsn"] = m.Backup.StartLsn,
            ["endLsn"] = m.Backup.EndLsn,
            ["timeline"] = m.Backup.Timeline,
            ["startSegment"] = m.Backup.StartSegment,
            ["endSegment"] = m.Backup.EndSegment,
            ["tarBytes"] = m.Sizes.TarBytes,
            ["storedBytes"] = m.Sizes.StoredBytes,
            ["sha256"] = m.Sha256,
            ["durationMs"] = (long)result.Duration.TotalMilliseconds,
        });
    }
}
