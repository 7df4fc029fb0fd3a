using LeoPass.Recovery.Backup.Encryption;
using LeoPass.Recovery.Core.Secrets;

namespace LeoPass.Recovery.Cli.Commands;

/// <summary>`keys generate`: an OpenPGP key pair for backups that plain gpg can also use.</summary>
internal static class KeysCommands
{
    public static Command Create()
    {
        var keys = new Command("keys", "Manage the OpenPGP keys backups are encrypted to and their manifests signed with");
        var outDir = new Option<string>("--out") { Description = "Directory for backup-public.asc and backup-private.asc, or with --signing backup-signing-*.asc (created, mode 0700)", Required = true };
        var userId = new Option<string>("--user-id") { Description = "The key's user id (default: LeoPass Recovery [signing] <backups@leopass.local>)" };
        var passphraseEnv = new Option<bool>("--protect")
        {
            Description = "Protect the private key with the passphrase in BACKUP_DECRYPTION_PASSPHRASE, or with --signing BACKUP_SIGNING_PASSPHRASE (never pass a passphrase on the command line)",
        };
        var signing = new Option<bool>("--signing")
        {
            Description = "Make the manifest-signing key instead: its secret part goes on the backup host (BACKUP_SIGNING_KEY), its public part wherever backups are read (BACKUP_TRUSTED_SIGNERS)",
        };
        var generate = new Command("generate", "Generate a key pair: the public key goes on the backup host, the private key in the responders' vault") { outDir, userId, passphraseEnv, signing };
        // Without the configuration: on a first install it names key files that do not exist yet.
        generate.SetActionWithoutHost((output, parse, _) =>
        {
            var isSigning = parse.GetValue(signing);
            var passphraseSetting = isSigning ? "BACKUP_SIGNING_PASSPHRASE" : "BACKUP_DECRYPTION_PASSPHRASE";
            string? passphrase = null;
            if (parse.GetValue(passphraseEnv))
            {
                passphrase = CliConfiguration.Text(passphraseSetting)
                    ?? throw new UsageException($"--protect needs {passphraseSetting} to be set to the passphrase");
                SecretRedactor.Shared.Add(passphrase);
            }
            var options = new KeyPairGenerationOptions
            {
                UserId = parse.GetValue(userId) ?? (isSigning ? KeyPairGenerationOptions.DefaultSigningUserId : KeyPairGenerationOptions.DefaultUserId),
                Passphrase = passphrase,
            };
            if (isSigning)
            {
                var key = OpenPgpKeyPairGenerator.GenerateSigningKey(parse.GetValue(outDir)!, options);
                if (output.Json)
                {
                    output.WriteJson(new { ok = true, fingerprint = key.Fingerprint, signingKey = key.PrivateKeyPath, publicKey = key.PublicKeyPath });
                }
                else
                {
                    output.Properties([
                        ("fingerprint", key.Fingerprint),
                        ("signing key", key.PrivateKeyPath + "  → BACKUP_SIGNING_KEY on the backup host"),
                        ("public key", key.PublicKeyPath + "  → BACKUP_TRUSTED_SIGNERS wherever backups are verified or restored"),
                    ]);
                }
                return Task.FromResult(ExitCodes.Success);
            }
            var pair = OpenPgpKeyPairGenerator.Generate(parse.GetValue(outDir)!, options);
            if (output.Json)
            {
                output.WriteJson(new { ok = true, fingerprint = pair.Fingerprint, publicKey = pair.PublicKeyPath, privateKey = pair.PrivateKeyPath });
            }
            else
            {
                output.Properties([
                    ("fingerprint", pair.Fingerprint),
                    ("public key", pair.PublicKeyPath + "  → BACKUP_ENCRYPTION_PUBLIC_KEY on the backup host"),
                    ("private key", pair.PrivateKeyPath + "  → keep offline; BACKUP_DECRYPTION_PRIVATE_KEY only where restores run"),
                ]);
            }
            return Task.FromResult(ExitCodes.Success);
        });
        keys.Subcommands.Add(generate);
        return keys;
    }
}
