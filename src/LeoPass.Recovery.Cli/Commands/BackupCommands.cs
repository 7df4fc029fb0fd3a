using System.Text.Json.Nodes;
using LeoPass.Recovery.Backup.Catalogue;
using LeoPass.Recovery.Backup.Restore;
using LeoPass.Recovery.Backup.Retention;
using LeoPass.Recovery.Backup.Signing;
using LeoPass.Recovery.Backup.Verification;
using LeoPass.Recovery.Engine.Definitions;
using LeoPass.Recovery.Runbook.Backup;

namespace LeoPass.Recovery.Cli.Commands;

/// <summary>`backup run|list|verify|prune|restore`: the backup half of the runbook, one command each. `run` is the workflow with purpose backup, executed now.</summary>
internal static class BackupCommands
{
    public static Command Create()
    {
        var backup = new Command("backup", "Take, list, verify, prune and restore encrypted backups");
        backup.Subcommands.Add(Run());
        backup.Subcommands.Add(List());
        backup.Subcommands.Add(Verify());
        backup.Subcommands.Add(Prune());
        backup.Subcommands.Add(Restore());
        return backup;
    }

    private static Argument<string> KeyArgument() => new("key")
    {
        Description = "An artefact key (see `backup list`) or `latest` for the newest verified backup",
    };

    private static Command Run()
    {
        var command = new Command("run",
            "Back up DATABASE_URL now: the workflow whose purpose is backup (dump, compress, encrypt, upload, verify, prune, report), " +
            "executed here when no server is up. A failed step halts it at once, with no automatic retry: a person is watching.");
        command.SetActionWithoutHost(async (output, parse, cancellationToken) =>
        {
            var (runId, run) = await RunCommands.ActAsync(output, parse, follow: true, publish: true, async (node, starter) =>
                await starter.StartAsync(new StartRunRequest((await node.Get<DefinitionCatalog>().BackupDefinitionAsync(cancellationToken)).Id, new Dictionary<string, string>(), RunCommands.Who(node), "manual",
                    AutomaticRetries: false), cancellationToken), cancellationToken);
            if (run.State != RunState.Succeeded)
            {
                throw new RunOutcomeException(RunCommands.ExitCodeOf(run.State),
                    $"backup run {runId} ({run.DefinitionId}) {run.State.ToString().ToLowerInvariant()}: {run.HaltReason ?? "see `run status " + runId + "`"} (`run journal {runId}` shows every attempt)");
            }
            var dump = StepOutput(run, DumpAndUploadActivity.Descriptor.Type)
                ?? throw new RunOutcomeException(ExitCodes.Failure, $"backup run {runId} succeeded but has no {DumpAndUploadActivity.Descriptor.Type} step: check the {run.DefinitionId} definition");
            var verified = StepOutput(run, VerifyBackupActivity.Descriptor.Type);
            var pruned = StepOutput(run, PruneBackupsActivity.Descriptor.Type)?["deleted"]?.AsArray().Select(k => k!.GetValue<string>()).ToList() ?? [];
            if (output.Json)
            {
                output.WriteJson(new
                {
                    ok = true, run = runId, key = Text(dump, "key"), storedBytes = Number(dump, "storedBytes"), dumpBytes = Number(dump, "dumpBytes"),
                    sha256 = Text(dump, "sha256"), durationMs = Number(dump, "durationMs"), verification = Text(dump, "verification"), etag = Text(dump, "etag"),
                    parts = Number(dump, "parts"), tables = Number(dump, "tables"), rows = Number(dump, "rows"), store = Text(dump, "store"),
                    readBack = verified is null ? null : new { decrypted = verified["decrypted"]?.GetValue<bool>(), durationMs = Number(verified, "durationMs") },
                    pruned,
                });
                return ExitCodes.Success;
            }
            output.Properties([
                ("key", Text(dump, "key")),
                ("size", $"{Format.Bytes(Number(dump, "storedBytes"))} stored ({Format.Bytes(Number(dump, "dumpBytes"))} dumped)"),
                ("sha256", Text(dump, "sha256")),
                ("duration", Format.Duration(TimeSpan.FromMilliseconds(Number(dump, "durationMs")))),
                ("verification", Text(dump, "etag") is { Length: > 0 } etag ? $"{Text(dump, "verification")} (ETag {etag}, {Number(dump, "parts")} part(s))" : Text(dump, "verification")),
                ("read back", verified is null ? "not in this workflow" : verified["decrypted"]?.GetValue<bool>() == true ? "decrypted and decompressed: OK" : "stored bytes match the manifest: OK"),
                ("tables", $"{Number(dump, "tables")} ({Number(dump, "rows")} rows)"),
                ("pruned", pruned.Count == 0 ? "nothing past the retention window" : string.Join(", ", pruned)),
                ("store", Text(dump, "store")),
                ("run", $"{runId} (`run report {runId}`)"),
            ]);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The output of the run's first succeeded step of this activity.</summary>
    private static JsonObject? StepOutput(Run run, string activity) =>
        run.Steps.FirstOrDefault(s => s.Activity == activity && s.State == StepState.Succeeded)?.Output is { } text ? JsonNode.Parse(text) as JsonObject : null;

    private static string Text(JsonObject output, string name) => output[name]?.GetValue<string>() ?? "";

    private static long Number(JsonObject output, string name) => output[name]?.GetValue<long>() ?? 0;

    private static Command List()
    {
        var refresh = new Option<bool>("--refresh") { Description = "Rebuild the catalogue from the manifests in the store first (a new node recovers the list this way)" };
        var command = new Command("list", "List the catalogued backups, newest first") { refresh };
        command.SetAction(async (context, parse, cancellationToken) =>
        {
            var catalogue = await context.CatalogueAsync(cancellationToken);
            CatalogueRefresh? refreshed = null;
            if (parse.GetValue(refresh))
            {
                refreshed = await catalogue.RefreshFromStoreAsync(context.Get<Storage.IArtefactStore>(), context.Get<ManifestReader>(), cancellationToken);
            }
            var backups = await catalogue.ListAsync(cancellationToken);
            var window = await context.Get<Backup.Pitr.RestoreWindowQuery>().GetAsync(cancellationToken);
            var hasPointInTime = window.Segments > 0 || window.BaseBackups > 0;
            if (context.Output.Json)
            {
                context.Output.WriteJson(new
                {
                    ok = true,
                    restoreWindow = hasPointInTime ? new
                    {
                        from = window.From, to = window.To, description = window.Describe(), newestShippedAgeSeconds = window.NewestShippedAge?.TotalSeconds,
                        gaps = window.Gaps, baseBackups = window.BaseBackups, segments = window.Segments, earliestBaseBackup = window.EarliestBaseBackup,
                        streamNode = window.Stream?.Node, queuedSegments = window.Stream?.QueuedSegments, lastError = window.Stream?.LastError,
                    } : null,
                    refreshed = refreshed is null ? null : new
                    {
                        added = refreshed.Added, removed = refreshed.Removed,
                        refused = refreshed.Refused.Select(r => new { manifest = r.ManifestKey, reason = r.Reason }),
                    },
                    backups = backups.Select(b => new
                    {
                        key = b.Key, takenAt = b.SnapshotStartedAt, storedBytes = b.StoredBytes, dumpBytes = b.DumpBytes, sha256 = b.Sha256,
                        database = b.DatabaseName, uploadVerification = b.UploadVerification, lastVerifiedAt = b.LastVerifiedAt, lastVerifyResult = b.LastVerifyResult,
                        restoreVerifiedAt = b.RestoreVerifiedAt, restoreVerifiedRunId = b.RestoreVerifiedRunId, restoreVerifiedTables = b.RestoreVerifiedTables,
                        restoreVerifiedSummary = b.RestoreVerifiedSummary, restoreVerifyFailedAt = b.RestoreVerifyFailedAt, restoreVerifyFailure = b.RestoreVerifyFailure,
                    }),
                });
                return ExitCodes.Success;
            }
            if (refreshed is { } r)
            {
                context.Output.Line($"catalogue refreshed from {context.Get<Storage.IArtefactStore>().Description}: {r.Added} added, {r.Removed} no longer in the store");
                foreach (var refused in r.Refused) context.Output.Line($"not catalogued: {refused.ManifestKey}: {refused.Reason}");
            }
            if (hasPointInTime)
            {
                var age = window.NewestShippedAge is { } a ? $"; newest shipped WAL {Format.Duration(a)} old" : "";
                var stream = window.Stream is { } st ? $"; streamed by {st.Node}{(st.QueuedSegments > 0 ? $", {st.QueuedSegments} segment(s) waiting to ship" : "")}" : "";
                context.Output.Line($"point-in-time: {window.Describe()}{age}{stream} ({window.BaseBackups} base backup(s), {window.Segments} WAL segment(s))");
                foreach (var gap in window.Gaps) context.Output.Line($"point-in-time: WAL gap at {gap}: no restore can replay across it");
            }
            if (backups.Count == 0)
            {
                context.Output.Line("no backups catalogued (run `backup run`, or `backup list --refresh` to read the store's manifests)");
                return ExitCodes.Success;
            }
            context.Output.Table(["key", "taken (UTC)", "age", "size", "database", "upload check", "last verify", "restore-verified"],
                backups.Select(b => (IReadOnlyList<string>)[
                    b.Key, Format.Time(b.SnapshotStartedAt), Format.Duration(context.Clock.GetUtcNow() - b.SnapshotStartedAt), Format.Bytes(b.StoredBytes),
                    b.DatabaseName, b.UploadVerification, b.LastVerifiedAt is null ? "never" : $"{b.LastVerifyResult} ({Format.Time(b.LastVerifiedAt)})",
                    RestoreVerifiedText(b),
                ]));
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>"2026-12-07 02:41:09Z (42 tables equal)", "FAILED 2026-12-07 …, run 17", or "never"; `--json` has the whole summary and reason.</summary>
    private static string RestoreVerifiedText(CatalogueEntry b)
    {
        var failedLater = b.RestoreVerifyFailedAt is { } failedAt && (b.RestoreVerifiedAt is null || failedAt > b.RestoreVerifiedAt);
        if (failedLater) return $"FAILED {Format.Time(b.RestoreVerifyFailedAt)}, {b.RestoreVerifyFailure?.Split(':')[0]}";
        return b.RestoreVerifiedAt is null ? "never" : $"{Format.Time(b.RestoreVerifiedAt)} ({b.RestoreVerifiedTables} tables equal)";
    }

    private static Command Verify()
    {
        var key = KeyArgument();
        var restore = new Option<bool>("--restore")
        {
            Description = "Prove it restores: run the restore verification workflow (the definition with \"purpose\": \"verify\") on it and wait: " +
                          "restore into a scratch database, compare every table's row count and the migration head with the manifest, mark it restore-verified, drop the scratch database",
        };
        var command = new Command("verify", "Download a backup, check its SHA-256 against the manifest, decrypt and decompress it to nowhere; with --restore, restore it into a scratch database and compare") { key, restore };
        command.SetActionWithoutHost((output, parse, cancellationToken) => parse.GetValue(restore)
            ? VerifyByRestoreAsync(output, parse, parse.GetValue(key)!, cancellationToken)
            : VerifyReadBackAsync(output, parse, parse.GetValue(key)!, cancellationToken));
        return command;
    }

    private static async Task<int> VerifyByRestoreAsync(CliOutput output, ParseResult parse, string key, CancellationToken cancellationToken)
    {
        var (runId, run) = await RunCommands.ActAsync(output, parse, follow: true, publish: true, async (node, starter) =>
            await starter.StartAsync(new StartRunRequest((await node.Get<DefinitionCatalog>().VerifyDefinitionAsync(cancellationToken)).Id,
                new Dictionary<string, string> { ["backup"] = key }, RunCommands.Who(node), "manual", AutomaticRetries: false), cancellationToken), cancellationToken);
        if (run.State != RunState.Succeeded)
        {
            throw new RunOutcomeException(RunCommands.ExitCodeOf(run.State),
                $"restore verification run {runId} ({run.DefinitionId}) {run.State.ToString().ToLowerInvariant()}: {run.HaltReason ?? "see `run status " + runId + "`"}; the backup is not marked restore-verified (`run journal {runId}` shows every attempt)");
        }
        var marked = StepOutput(run, RecordRestoreVerifiedActivity.Descriptor.Type)
            ?? throw new RunOutcomeException(ExitCodes.Failure, $"run {runId} succeeded but has no {RecordRestoreVerifiedActivity.Descriptor.Type} step: check the {run.DefinitionId} definition");
        if (output.Json)
        {
            output.WriteJson(new { ok = true, run = runId, key = Text(marked, "key"), tables = Number(marked, "tables"), summary = Text(marked, "summary") });
            return ExitCodes.Success;
        }
        output.Properties([
            ("key", Text(marked, "key")),
            ("result", $"restore-verified: {Text(marked, "summary")}"),
            ("run", $"{runId} (`run report {runId}`)"),
        ]);
        return ExitCodes.Success;
    }

    private static async Task<int> VerifyReadBackAsync(CliOutput output, ParseResult parse, string key, CancellationToken cancellationToken)
    {
        await using var context = await Hosting.CliContext.CreateAsync(output, parse.GetValue(CommonOptions.Verbose), cancellationToken);
        await context.CatalogueAsync(cancellationToken);
        using var progress = context.Progress();
        var result = await context.Get<BackupVerifier>().VerifyAsync(key, progress, cancellationToken);
        if (context.Output.Json)
        {
            context.Output.WriteJson(new { ok = true, key = result.Manifest.Key, sha256 = result.Sha256, storedBytes = result.StoredBytes, dumpBytes = result.DumpBytes, durationMs = (long)result.Duration.TotalMilliseconds });
        }
        else
        {
            context.Output.Properties([
                ("key", result.Manifest.Key),
                ("result", "OK — SHA-256 matches the manifest, decrypts and decompresses to a pg_dump archive of the recorded size"),
                ("sha256", result.Sha256),
                ("size", $"{Format.Bytes(result.StoredBytes)} stored, {Format.Bytes(result.DumpBytes)} dump"),
                ("duration", Format.Duration(result.Duration)),
            ]);
        }
        return ExitCodes.Success;
    }

    private static Command Prune()
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "List what would be deleted, delete nothing" };
        var command = new Command("prune", "Delete backups older than BACKUP_RETENTION_DAYS (never the newest verified one, never the last)") { dryRun };
        command.SetAction(async (context, parse, cancellationToken) =>
        {
            await context.CatalogueAsync(cancellationToken);
            var isDryRun = parse.GetValue(dryRun);
            var days = context.Settings.Backup.RetentionDays;
            var plan = await context.Get<BackupPruner>().PruneAsync(days, isDryRun, cancellationToken);
            if (context.Output.Json)
            {
                context.Output.WriteJson(new
                {
                    ok = true, dryRun = isDryRun, retentionDays = days, cutoff = plan.Cutoff, deleted = plan.Delete.Select(d => new { key = d.Key, takenAt = d.TakenAt }),
                    keptNewestVerified = plan.KeptNewestVerified?.Key,
                    keptNewestRestoreVerified = plan.KeptNewestRestoreVerified?.Key,
                    retained = plan.Retained.Select(r => new { key = r.Key, takenAt = r.TakenAt, retainedUntil = r.RetainedUntil, reason = r.Reason }),
                });
                return ExitCodes.Success;
            }
            var verb = isDryRun ? "would delete" : "deleted";
            context.Output.Line($"retention {days} days (cutoff {Format.Time(plan.Cutoff)}): {verb} {plan.Delete.Count} backup(s)");
            foreach (var item in plan.Delete) context.Output.Line($"  {item.Key}");
            if (plan.KeptNewestVerified is { } kept) context.Output.Line($"newest verified backup kept: {kept.Key}");
            if (plan.KeptNewestRestoreVerified is { } proven && proven.Key != plan.KeptNewestVerified?.Key) context.Output.Line($"newest restore-verified backup kept: {proven.Key}");
            if (plan.Retained.Count > 0) context.Output.Line($"kept {plan.Retained.Count} backup(s) the store still locks (pruned once the lock ends):");
            foreach (var item in plan.Retained) context.Output.Line($"  {item.Key}  {item.Reason}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Restore()
    {
        var key = KeyArgument();
        var target = new Option<string>("--target-database-url") { Description = "The database to restore into (created if missing); never DATABASE_URL", Required = true };
        var jobs = new Option<int>("--jobs") { Description = "pg_restore parallel jobs", DefaultValueFactory = _ => Math.Max(1, Environment.ProcessorCount) };
        var noOwner = new Option<bool>("--no-owner") { Description = "Skip ownership and privileges (restoring onto a server without the same roles)" };
        var command = new Command("restore", "Restore a backup into a database: download, verify, decrypt, decompress, pg_restore --clean --if-exists") { key, target, jobs, noOwner };
        command.SetAction(async (context, parse, cancellationToken) =>
        {
            var targetConnection = PostgresConnectionString.Parse(parse.GetValue(target)!, "--target-database-url");
            Core.Secrets.SecretRedactor.Shared.Add(new Npgsql.NpgsqlConnectionStringBuilder(targetConnection).Password);
            await context.CatalogueAsync(cancellationToken);
            using var progress = context.Progress();
            var result = await context.Get<PlainRestore>().RunAsync(parse.GetValue(key)!, targetConnection, parse.GetValue(jobs), parse.GetValue(noOwner), context.Settings.Runbook.WorkDirectory, progress, cancellationToken);
            if (context.Output.Json)
            {
                context.Output.WriteJson(new { ok = true, key = result.Key, target = result.TargetDatabase, createdDatabase = result.CreatedDatabase, dumpBytes = result.DumpBytes, tables = result.Tables, durationMs = (long)result.Duration.TotalMilliseconds });
            }
            else
            {
                context.Output.Properties([
                    ("key", result.Key),
                    ("target", result.TargetDatabase + (result.CreatedDatabase ? " (created)" : "")),
                    ("tables", $"{result.Tables}, row counts match the manifest"),
                    ("duration", Format.Duration(result.Duration)),
                ]);
            }
            return ExitCodes.Success;
        });
        return command;
    }
}
