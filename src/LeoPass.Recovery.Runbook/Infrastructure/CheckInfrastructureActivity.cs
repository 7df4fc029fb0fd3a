using LeoPass.Recovery.Backup.Artefacts;
using LeoPass.Recovery.Backup.Dump;
using LeoPass.Recovery.Runbook.Restore;
using Npgsql;

namespace LeoPass.Recovery.Runbook.Infrastructure;

/// <summary>
/// `runbook.check-infrastructure`, the first step of a rehearsal and of an incident restore: is
/// the standby able to take this restore, before anything is touched? It reads, and changes
/// nothing: the target server answers with the configured credentials and may create databases;
/// its PostgreSQL major version, and pg_restore's, are at least the dump's (from the manifest);
/// the target has free space for the dump × RESTORE_SPACE_MARGIN; the restore work directory has
/// room for the dump. Every finding is named in the output (or, when any fails, in the error that
/// halts the run before the quarantine).
/// </summary>
public sealed class CheckInfrastructureActivity(RecoverySettings settings, RestoreTargetPlan target, RestorePointResolver resolver)
    : IActivity, IActivityDeclaration, IActivitySettingsRequirements, IActivityPlanner
{
    public static ActivityDescriptor Descriptor { get; } = new("runbook.check-infrastructure",
        "Check the standby before anything is touched: target reachable, PostgreSQL and pg_restore at least the dump's major version, free space on the target and in the work directory.",
    [
        new ActivityParameter("backup", "The restore point whose manifest says the dump's versions and size: `latest`, an artefact key, or a UTC date yyyy-MM-dd.", Default: JsonValue.Create("latest")),
    ])
    {
        Outputs = [new("restorePoint", "The artefact checked against"), new("findings", "Each check: name, outcome (passed, failed, not checked), what was found")],
    };

    public IEnumerable<SettingProblem> CheckSettings(ActivityParameters parameters) => target.CheckSettings();

    public async Task<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var selector = context.Parameters.GetString("backup") is { Length: > 0 } s ? s : "latest";
        var targetConnection = settings.Runbook.RequireTargetDatabase();
        await context.RecordIntentAsync($"read the manifest of '{selector}', connect to {PostgresConnectionString.Describe(PostgresConnectionString.WithDatabase(targetConnection, "postgres"))} (read only) and measure free space", cancellationToken);
        var manifest = await RunbookFailures.NotRetryableAsync(() => resolver.ResolveAsync(selector, cancellationToken));
        var findings = await CheckAsync(manifest, targetConnection, cancellationToken);
        var failed = findings.Where(f => f.Outcome == FindingOutcome.Failed).ToList();
        if (failed.Count > 0)
        {
            var passed = findings.Where(f => f.Outcome != FindingOutcome.Failed).Select(f => f.ToString());
            throw new ActivityFailedException(
                $"the standby is not ready for {manifest.Key}, nothing was touched: {string.Join("; ", failed)}. Also checked: {string.Join("; ", passed)}",
                retryable: false);
        }
        return ActivityResult.Completed(new JsonObject
        {
            ["restorePoint"] = manifest.Key,
            ["findings"] = new JsonArray([.. findings.Select(f => (JsonNode)f.ToJson())]),
        });
    }

    public async Task<ActivityPlan> PlanAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var selector = context.Parameters.GetString("backup") is { Length: > 0 } s ? s : "latest";
        if (settings.Runbook.TargetDatabase is not { } targetConnection)
        {
            return new ActivityPlan(["cannot check the standby: TARGET_DATABASE_URL is not set"]);
        }
        BackupManifest manifest;
        try
        {
            manifest = await resolver.ResolveAsync(selector, cancellationToken);
        }
        catch (Exception e) when (e is LeoPass.Recovery.Backup.BackupException or InvalidDataException)
        {
            return new ActivityPlan([$"would check the standby against restore point '{selector}', which cannot be read now: {e.Message}"]);
        }
        // The checks only read, so the plan runs them: it says what the step would find now.
        var findings = await CheckAsync(manifest, targetConnection, cancellationToken);
        var actions = findings.Select(f => $"would check {f.Check} — now {Describe(f.Outcome)}: {f.Detail}").ToList();
        actions.Add(findings.Any(f => f.Outcome == FindingOutcome.Failed)
            ? "would halt the run here, before the quarantine, naming the failed checks"
            : "would let the run go on");
        return new ActivityPlan(actions, new JsonObject { ["restorePoint"] = manifest.Key, ["findings"] = new JsonArray([.. findings.Select(f => (JsonNode)f.ToJson())]) });
    }

    private async Task<List<InfrastructureFinding>> CheckAsync(BackupManifest manifest, string targetConnection, CancellationToken cancellationToken)
    {
        var findings = new List<InfrastructureFinding>();
        var dumpMajor = PostgresMajorVersion.Parse(manifest.Database.ServerVersion);
        var pgDumpMajor = PostgresMajorVersion.Parse(manifest.Database.PgDumpVersion);
        var server = PostgresConnectionString.Describe(PostgresConnectionString.WithDatabase(targetConnection, "postgres"));

        TargetServer? standby = null;
        try
        {
            standby = await TargetServerProbe.ReadAsync(targetConnection, cancellationToken);
            findings.Add(new("target-reachable", FindingOutcome.Passed, $"{server} answers with the configured credentials (PostgreSQL {standby.Version})"));
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            findings.Add(new("target-reachable", FindingOutcome.Failed, $"cannot connect to {server} with the credentials of TARGET_DATABASE_URL: {e.Message}"));
        }

        if (standby is not null)
        {
            findings.Add(standby.CanCreateDatabases
                ? new("target-can-create-databases", FindingOutcome.Passed, "the role of TARGET_DATABASE_URL may create databases")
                : new("target-can-create-databases", FindingOutcome.Failed, "the role of TARGET_DATABASE_URL may not create databases (needs CREATEDB): the provision step would fail"));
            var targetMajor = PostgresMajorVersion.Of(standby.Version);
            findings.Add(dumpMajor is not { } dm
                ? new("target-major-version", FindingOutcome.NotChecked, $"the manifest's server version '{manifest.Database.ServerVersion}' is not a PostgreSQL version")
                : targetMajor >= dm
                    ? new("target-major-version", FindingOutcome.Passed, $"target PostgreSQL {targetMajor} ≥ the dump's source PostgreSQL {dm}")
                    : new("target-major-version", FindingOutcome.Failed, $"target PostgreSQL {targetMajor} is older than the dump's source PostgreSQL {dm} (manifest of {manifest.Key}): upgrade the standby to {dm} or newer"));
        }

        findings.Add(await PgRestoreFindingAsync(pgDumpMajor, manifest, cancellationToken));
        findings.Add(TargetSpaceFinding(standby, manifest));
        findings.Add(WorkDirectoryFinding(manifest));
        return findings;
    }

    private static async Task<InfrastructureFinding> PgRestoreFindingAsync(PostgresMajorVersion? dumpedBy, BackupManifest manifest, CancellationToken cancellationToken)
    {
        string banner;
        try
        {
            banner = await PostgresTools.VersionOfAsync("pg_restore", cancellationToken);
        }
        catch (InvalidOperationException e)
        {
            return new("pg-restore-major-version", FindingOutcome.Failed, e.Message);
        }
        if (PostgresMajorVersion.Parse(banner) is not { } restore) return new("pg-restore-major-version", FindingOutcome.Failed, $"cannot read pg_restore's version from '{banner}'");
        if (dumpedBy is not { } dump) return new("pg-restore-major-version", FindingOutcome.NotChecked, $"the manifest's pg_dump version '{manifest.Database.PgDumpVersion}' is not a PostgreSQL version (pg_restore is {restore})");
        return restore >= dump
            ? new("pg-restore-major-version", FindingOutcome.Passed, $"pg_restore {restore} ≥ the pg_dump {dump} that wrote the dump")
            : new("pg-restore-major-version", FindingOutcome.Failed, $"pg_restore {restore} is older than the pg_dump {dump} that wrote {manifest.Key}: install the PostgreSQL {dump} client tools or point PG_BIN_DIR at them");
    }

    private InfrastructureFinding TargetSpaceFinding(TargetServer? standby, BackupManifest manifest)
    {
        var failover = settings.Runbook.Failover;
        var needed = (long)Math.Ceiling(manifest.Sizes.DumpBytes * failover.SpaceMargin);
        var need = $"the restore needs {Bytes(needed)} (dump {Bytes(manifest.Sizes.DumpBytes)} × RESTORE_SPACE_MARGIN {failover.SpaceMargin.ToString(CultureInfo.InvariantCulture)})";
        long free;
        string where;
        if (standby is { OnThisMachine: true, DataDirectory: { } dataDirectory } && Directory.Exists(dataDirectory))
        {
            free = WorkSpace.FreeBytes(dataDirectory);
            where = $"the target's data directory {dataDirectory}";
        }
        else if (failover.TargetFreeBytes is { } declared)
        {
            free = declared;
            where = "RESTORE_TARGET_FREE_BYTES";
        }
        else
        {
            var why = standby is null ? "the target is unreachable"
                : standby.DataDirectory is null ? "its role may not read data_directory"
                : "it is on another machine";
            return new("target-free-space", FindingOutcome.NotChecked, $"{need}, but the target's free space cannot be read from here ({why}): set RESTORE_TARGET_FREE_BYTES to what the standby's data volume has free");
        }
        return free >= needed
            ? new("target-free-space", FindingOutcome.Passed, $"{need}; {where} has {Bytes(free)} free")
            : new("target-free-space", FindingOutcome.Failed, $"{need}; {where} has only {Bytes(free)} free: grow the standby's volume, or free space on it");
    }

    private InfrastructureFinding WorkDirectoryFinding(BackupManifest manifest)
    {
        var directory = settings.Runbook.WorkDirectory;
        var existing = directory;
        while (!Directory.Exists(existing) && Path.GetDirectoryName(existing) is { } parent) existing = parent;
        var free = WorkSpace.FreeBytes(existing);
        var needed = manifest.Sizes.DumpBytes;
        return free >= needed
            ? new("work-directory-free-space", FindingOutcome.Passed, $"RESTORE_WORK_DIR {directory} has {Bytes(free)} free for the {Bytes(needed)} dump")
            : new("work-directory-free-space", FindingOutcome.Failed, $"RESTORE_WORK_DIR {directory} has {Bytes(free)} free, the dump needs {Bytes(needed)}: free space there or point RESTORE_WORK_DIR at a larger filesystem");
    }

    private static string Describe(FindingOutcome outcome) => outcome switch
    {
        FindingOutcome.Passed => "passes",
        FindingOutcome.Failed => "FAILS",
        _ => "cannot be checked",
    };

    internal static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.0} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.0} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KiB"),
    };
}
