using LeoPass.Recovery.Backup.Encryption;
using LeoPass.Recovery.Backup.Restore;
using LeoPass.Recovery.Backup;
using LeoPass.Recovery.Engine.Definitions;
using LeoPass.Recovery.Engine.Execution;
using LeoPass.Recovery.Engine.Runs;
using LeoPass.Recovery.Runbook.Restore;

namespace LeoPass.Recovery.Runbook.Preflight;

/// <summary>
/// Refuses a restore run at its start — before step 1 quarantines anything — when it could not
/// succeed or would be dangerous: a target that is the source database, an
/// incident restore whose <c>confirm</c> does not name the target, an unknown restore point, a
/// private key that cannot decrypt it. Applies to definitions with a download-artefact step. Missing
/// settings are named afterwards, all at once, by the engine's settings preflight.
/// </summary>
public sealed class RunbookStartCheck(RecoverySettings settings, RestorePointResolver resolver, DecryptionKeys keys) : IRunStartCheck
{
    public const string ConfirmParameter = DefinitionPolicy.ConfirmParameter;

    public async Task CheckAsync(WorkflowDefinition definition, JsonObject parameters, CancellationToken cancellationToken)
    {
        var download = definition.Steps.FirstOrDefault(s => s.Activity == DownloadArtefactActivity.Descriptor.Type && s.Enabled);
        if (download is null) return;
        var refuse = (string reason) => new InvalidRunRequestException($"{definition.Id}: refused before any step ran: {reason}");

        // A missing TARGET_DATABASE_URL or private key is not refused here: the engine's settings
        // preflight (after this check) names it together with every other missing setting.
        if (settings.Runbook.TargetDatabase is not { } target) return;
        var targetName = PostgresConnectionString.DatabaseOf(target);
        if (settings.SourceDatabase is { } source && RestoreTarget.SameDatabase(target, source))
        {
            throw refuse($"the restore target {PostgresConnectionString.Describe(target)} (TARGET_DATABASE_URL) is the source database named by DATABASE_URL; restore into another database");
        }
        if (definition.Parameters.Any(p => p.Name == ConfirmParameter))
        {
            var confirm = parameters[ConfirmParameter]?.ToString();
            if (string.IsNullOrWhiteSpace(confirm))
            {
                throw refuse($"this restore needs --confirm {targetName} (the target database's name), to show you know where it writes");
            }
            if (confirm != targetName)
            {
                throw refuse($"--confirm '{confirm}' does not name the restore target '{targetName}' (TARGET_DATABASE_URL)");
            }
        }

        var selector = parameters["backup"]?.ToString() ?? download.Parameters["backup"]?.ToString() ?? "latest";
        if (selector.Contains("${", StringComparison.Ordinal)) selector = "latest";
        LeoPass.Recovery.Backup.Artefacts.BackupManifest manifest;
        try
        {
            manifest = await resolver.ResolveAsync(selector, cancellationToken);
        }
        catch (BackupException e)
        {
            throw refuse($"restore point '{selector}': {e.Message}");
        }
        if (settings.Backup.DecryptionPrivateKeyPath is null) return;
        OpenPgpDecryptor decryptor;
        try
        {
            decryptor = keys.Load();
        }
        catch (DecryptionKeyException e)
        {
            throw refuse(e.Message);
        }
        if (!string.Equals(Normalise(decryptor.Fingerprint), Normalise(manifest.Encryption.RecipientFingerprint), StringComparison.OrdinalIgnoreCase))
        {
            throw refuse($"BACKUP_DECRYPTION_PRIVATE_KEY holds key {decryptor.Fingerprint}, but {manifest.Key} is encrypted to {manifest.Encryption.RecipientFingerprint}: configure the matching private key");
        }
    }

    private static string Normalise(string fingerprint) => fingerprint.Replace(" ", "", StringComparison.Ordinal);
}
