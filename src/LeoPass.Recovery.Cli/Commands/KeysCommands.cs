using System.CommandLine;
using LeoPass.Recovery.Backup.Encryption;
using LeoPass.Recovery.Cli.Hosting;
using LeoPass.Recovery.Core.Secrets;

namespace LeoPass.Recovery.Cli.Commands;

/// <summary>`keys generate`: an OpenPGP key pair for backups that plain gpg can also use.</summary>
internal static class KeysCommands
{
    public static Command Create()
    {
        var keys = new Command("keys", "Manage the OpenPGP keys backups are encrypted to");
        var outDir = new Option<string>("--out") { Description = "Directory for backup-public.asc and backup-private.asc (created, mode 0700)", Required = true };
        var userId = new Option<string>("--user-id") { Description = "The key's user id", DefaultValueFactory = _ => "LeoPass Recovery <backups@leopass.local>" };
        var passphraseEnv = new Option<bool>("--protect")
        {
            Description = "Protect the private key with the passphrase in BACKUP_DECRYPTION_PASSPHRASE (never pass a passphrase on the command line)",
        };
        var generate = new Command("generate", "Generate a key pair: the public key goes on the backup host, the private key in the responders' vault") { outDir, userId, passphraseEnv };
        // Without the configuration: on a first install it names key files that do not exist yet.
        generate.SetActionWithoutConfiguration((output, parse, _) =>
        {
            string? passphrase = null;
            if (parse.GetValue(passphraseEnv))
            {
                passphrase = CliConfiguration.Text("BACKUP_DECRYPTION_PASSPHRASE")
                    ?? throw new UsageException("--protect needs BACKUP_DECRYPTION_PASSPHRASE to be set to the passphrase");
                SecretRedactor.Shared.Add(passphrase);
            }
            var pair = OpenPgpKeyPairGenerator.Generate(parse.GetValue(outDir)!, new KeyPairGenerationOptions { UserId = parse.GetValue(userId)!, Passphrase = passphrase });
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
            return Task.FromResult(CommandRunner.Success);
        });
        keys.Subcommands.Add(generate);
        return keys;
    }
}
