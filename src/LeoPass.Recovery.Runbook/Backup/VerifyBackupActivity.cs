using LeoPass.Recovery.Backup.Reading;
using LeoPass.Recovery.Backup.Verification;

namespace LeoPass.Recovery.Runbook.Backup;

/// <summary>
/// `backup.verify`: reads a backup back. With the private key configured it decrypts and
/// decompresses to nowhere; without it (a backup host, by design, holds only the public key)
/// it proves the stored bytes against the manifest's SHA-256.
/// </summary>
public sealed class VerifyBackupActivity(BackupVerifier verifier, RecoverySettings settings) : IActivity, IActivityDeclaration, IActivityPlanner
{
    public static ActivityDescriptor Descriptor { get; } = new("backup.verify",
        "Download a backup and check it against its manifest; decrypt and decompress it when the private key is configured.",
    [
        new ActivityParameter("key", "The artefact key, or `latest`.", Default: JsonValue.Create("latest")),
        new ActivityParameter("decrypt", "`auto` (when BACKUP_DECRYPTION_PRIVATE_KEY is set), `always` or `never`.", Default: JsonValue.Create("auto"), Allowed: ["auto", "always", "never"]),
    ]);

    public Task<ActivityPlan> PlanAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var key = context.Parameters.GetString("key") ?? "latest";
        var decrypt = context.Parameters.GetString("decrypt") ?? "auto";
        var decrypts = decrypt == "always" || (decrypt == "auto" && settings.Backup.DecryptionPrivateKeyPath is not null);
        return Task.FromResult(new ActivityPlan(
        [
            $"would read {(key == "latest" ? "the newest backup" : key)} back from {settings.Storage.Describe()} and check its SHA-256 against the manifest",
            decrypts ? "would decrypt and decompress it to nowhere, to prove it opens (BACKUP_DECRYPTION_PRIVATE_KEY)" : "would not decrypt it (no private key on this node, or decrypt: never)",
        ], new JsonObject { ["key"] = key }));
    }

    public async Task<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var key = context.Parameters.GetString("key") ?? "latest";
        var decrypt = (context.Parameters.GetString("decrypt") ?? "auto") switch
        {
            "always" => true,
            "never" => false,
            "auto" => settings.Backup.DecryptionPrivateKeyPath is not null,
            var other => throw new ActivityFailedException($"decrypt must be auto, always or never, not '{other}'", retryable: false),
        };
        await context.RecordIntentAsync($"read {key} back from {settings.Storage.Describe()} (decrypt: {decrypt})", cancellationToken);
        var stages = new JournalingObserver(context);
        ArtefactReadResult result;
        try
        {
            result = await verifier.VerifyAsync(key, decrypt, stages, cancellationToken);
        }
        finally
        {
            await stages.FlushAsync();
        }
        return ActivityResult.Completed(new JsonObject
        {
            ["key"] = result.Manifest.Key,
            ["sha256"] = result.Sha256,
            ["decrypted"] = decrypt,
            ["durationMs"] = (long)result.Duration.TotalMilliseconds,
        });
    }
}
