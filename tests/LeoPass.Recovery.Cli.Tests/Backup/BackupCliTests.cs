using System.Text.Json;
using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.Cli.Tests.Backup;

/// <summary>
/// The backup commands as an operator types them, each case on an environment of its own (databases,
/// store, alert recorder), grouped by command into classes that xUnit runs in parallel (one collection per class).
/// </summary>
public static class BackupCliTests
{
    private static JsonElement Json(CliResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        return JsonDocument.Parse(result.StandardOutput).RootElement;
    }

    /// <summary>`backup run` and `backup prune`: what a run reports and alerts, what a bad configuration or source gets, what retention removes.</summary>
    public sealed class Run
    {
        [Fact]
        public async Task Backup_run_reports_key_size_sha_duration_verification_and_pushes_kuma_up()
        {
            await using var env = await CliBackupEnvironment.CreateAsync(useS3: true);
            var run = Json(await env.RunAsync("backup", "run", "--json"));
            var key = run.GetProperty("key").GetString()!;
            Assert.Matches(@"^leopass-\d{4}-\d{2}-\d{2}T\d{6}Z-[0-9a-f]{8}\.dump\.zst\.pgp$", key);
            Assert.Matches("^[0-9a-f]{64}$", run.GetProperty("sha256").GetString()!);
            Assert.True(run.GetProperty("storedBytes").GetInt64() > 0);
            Assert.True(run.GetProperty("durationMs").GetInt64() > 0);
            Assert.Equal("SinglePartMd5", run.GetProperty("verification").GetString());

            var push = Assert.Single(await env.Alerts.WaitForAsync(r => r.Path == "/api/push/kumatoken77"));
            Assert.Equal("up", push.Query("status"));
            Assert.Contains(key, push.Query("msg"), StringComparison.Ordinal);
            Assert.Empty(env.Alerts.RequestsTo("/api/17"));

            var human = await env.RunAsync("backup", "list");
            Assert.True(human.ExitCode == 0, human.ToString());
            Assert.Contains(key, human.StandardOutput, StringComparison.Ordinal);

            var verify = Json(await env.RunAsync("backup", "verify", "latest", "--json"));
            Assert.Equal(key, verify.GetProperty("key").GetString());
            Assert.Equal(run.GetProperty("sha256").GetString(), verify.GetProperty("sha256").GetString());
        }

        [Fact]
        public async Task Failed_backup_exits_non_zero_with_one_line_cause_alerts_everywhere_and_leaks_no_secret()
        {
            await using var env = await CliBackupEnvironment.CreateAsync(useS3: false, rows: 10);
            env.Variables["DATABASE_URL"] = $"postgresql://app:{CliBackupEnvironment.DatabasePassword}@127.0.0.1:{FreePort.Next()}/leopass";
            var result = await env.RunAsync("backup", "run", "--verbose");
            Assert.Equal(1, result.ExitCode);
            var errorLines = result.StandardError.Split('\n').Where(l => l.StartsWith("error:", StringComparison.Ordinal)).ToList();
            var error = Assert.Single(errorLines);
            Assert.Contains("cannot connect to the source database", error, StringComparison.Ordinal);

            var push = Assert.Single(await env.Alerts.WaitForAsync(r => r.Path == "/api/push/kumatoken77"));
            Assert.Equal("down", push.Query("status"));
            var webhook = Assert.Single(await env.Alerts.WaitForAsync(r => r.Path == "/ops-hook"));
            using (var body = JsonDocument.Parse(webhook.Body))
            {
                Assert.Equal("failed", body.RootElement.GetProperty("status").GetString());
                Assert.Equal("nightly-backup", body.RootElement.GetProperty("job").GetString());
                // No LEOPASS_PUBLIC_URL, no link: the console's address is never guessed.
                Assert.Equal(JsonValueKind.Null, body.RootElement.GetProperty("run_url").ValueKind);
            }
            var sentry = Assert.Single(await env.Alerts.WaitForAsync(r => r.Path.StartsWith("/api/17/envelope", StringComparison.Ordinal)));
            Assert.Contains("snapshot", sentry.Body, StringComparison.Ordinal);

            foreach (var secret in new[] { CliBackupEnvironment.DatabasePassword, CliBackupEnvironment.Passphrase, "kumatoken77", "sentrykey4242" })
            {
                Assert.DoesNotContain(secret, result.AllOutput, StringComparison.Ordinal);
                Assert.DoesNotContain(env.Alerts.Requests.Where(r => !r.Path.StartsWith("/api/push/", StringComparison.Ordinal)), r => r.Body.Contains(secret, StringComparison.Ordinal));
            }
        }

        [Fact]
        public async Task Invalid_configuration_is_refused_at_start_naming_each_variable()
        {
            await using var env = await CliBackupEnvironment.CreateAsync(useS3: false, rows: 10);
            env.Variables["BACKUP_COMPRESSION"] = "lz4";
            env.Variables["BACKUP_RETENTION_DAYS"] = "-3";
            var result = await env.RunAsync("backup", "list");
            Assert.Equal(2, result.ExitCode);
            Assert.Contains("BACKUP_COMPRESSION='lz4'", result.StandardError, StringComparison.Ordinal);
            Assert.Contains("BACKUP_RETENTION_DAYS='-3'", result.StandardError, StringComparison.Ordinal);
            Assert.Equal("", result.StandardOutput);
        }

        [Fact]
        public async Task Prune_dry_run_lists_what_would_go_and_deletes_nothing()
        {
            await using var env = await CliBackupEnvironment.CreateAsync(useS3: false, rows: 10);
            // The newest verified backup first (`backup run` is the nightly workflow, which prunes too), then one past retention.
            Json(await env.RunAsync("backup", "run", "--json"));
            var old = "leopass-2020-01-01T020000Z.dump.zst.pgp";
            await File.WriteAllBytesAsync(Path.Combine(env.BackupDirectory, old), [1, 2, 3]);
            await File.WriteAllTextAsync(Path.Combine(env.BackupDirectory, old + ".manifest.json"), "{}");
            var dry = Json(await env.RunAsync("backup", "prune", "--dry-run", "--json"));
            Assert.Equal(old, Assert.Single(dry.GetProperty("deleted").EnumerateArray()).GetProperty("key").GetString());
            Assert.True(File.Exists(Path.Combine(env.BackupDirectory, old)));
            Json(await env.RunAsync("backup", "prune", "--json"));
            Assert.False(File.Exists(Path.Combine(env.BackupDirectory, old)));
            Assert.False(File.Exists(Path.Combine(env.BackupDirectory, old + ".manifest.json")));
        }
    }

    /// <summary>`backup verify`, `backup restore` and `backup list --refresh` on what a run stored.</summary>
    public sealed class VerifyRestoreList
    {
        [Fact]
        public async Task Corrupted_artefact_fails_verify_and_restore_with_the_mismatch_named()
        {
            await using var env = await CliBackupEnvironment.CreateAsync(useS3: false, rows: 2_000);
            var key = Json(await env.RunAsync("backup", "run", "--json")).GetProperty("key").GetString()!;
            var path = Path.Combine(env.BackupDirectory, key);
            var bytes = await File.ReadAllBytesAsync(path);
            bytes[bytes.Length / 3] ^= 0x40;
            await File.WriteAllBytesAsync(path, bytes);

            var verify = await env.RunAsync("backup", "verify", key);
            Assert.Equal(1, verify.ExitCode);
            Assert.Contains("SHA-256 mismatch", verify.StandardError, StringComparison.Ordinal);

            await using var target = await PostgresServer.CreateDatabaseAsync("e2etgt");
            var restore = await env.RunAsync("backup", "restore", key, "--target-database-url", target.Url);
            Assert.Equal(1, restore.ExitCode);
            Assert.Contains("SHA-256 mismatch", restore.StandardError, StringComparison.Ordinal);
            Assert.Equal(0L, await target.ScalarAsync<long>("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"));
        }

        [Fact]
        public async Task Restore_command_restores_identical_content_into_a_new_database()
        {
            await using var env = await CliBackupEnvironment.CreateAsync(useS3: true, rows: 5_000);
            Json(await env.RunAsync("backup", "run", "--json"));
            var targetName = "e2enew_" + Guid.NewGuid().ToString("N")[..8];
            var targetUrl = Core.Configuration.PostgresConnectionString.ToUrl(Core.Configuration.PostgresConnectionString.WithDatabase(env.Source.ConnectionString, targetName));
            try
            {
                var restore = Json(await env.RunAsync("backup", "restore", "latest", "--target-database-url", targetUrl, "--jobs", "2", "--json"));
                Assert.True(restore.GetProperty("createdDatabase").GetBoolean());
                var target = Core.Configuration.PostgresConnectionString.WithDatabase(env.Source.ConnectionString, targetName);
                Assert.Equal(await SampleData.FingerprintAsync(env.Source.ConnectionString), await SampleData.FingerprintAsync(target));
            }
            finally
            {
                await PostgresServer.DropDatabaseAsync(targetName);
            }
        }

        [Fact]
        public async Task List_refresh_recovers_the_catalogue_on_a_new_node()
        {
            await using var env = await CliBackupEnvironment.CreateAsync(useS3: true, rows: 500);
            var key = Json(await env.RunAsync("backup", "run", "--json")).GetProperty("key").GetString()!;
            await using var newNode = await PostgresServer.CreateDatabaseAsync("e2enode");
            env.Variables["RECOVERY_DATABASE_URL"] = newNode.Url;
            Assert.Equal(0, Json(await env.RunAsync("backup", "list", "--json")).GetProperty("backups").GetArrayLength());
            var refreshed = Json(await env.RunAsync("backup", "list", "--refresh", "--json"));
            Assert.Equal(1, refreshed.GetProperty("refreshed").GetProperty("added").GetInt32());
            Assert.Equal(key, refreshed.GetProperty("backups")[0].GetProperty("key").GetString());
        }
    }

    /// <summary>`keys generate`: encryption and signing pairs, before and with a configuration.</summary>
    public sealed class Keys
    {
        [Fact]
        public async Task Keys_generate_signing_makes_the_key_that_signs_every_manifest_and_verify_trusts_it()
        {
            var dir = Path.Combine(Directory.CreateTempSubdirectory("leopass-e2e-signing-").FullName, "keys");
            var generated = await CliRunner.RunAsync(new Dictionary<string, string?>(), null, "keys", "generate", "--signing", "--out", dir, "--json");
            Assert.True(generated.ExitCode == 0, generated.ToString());
            using var keys = JsonDocument.Parse(generated.StandardOutput);
            var fingerprint = keys.RootElement.GetProperty("fingerprint").GetString()!;
            Assert.Equal(Path.Combine(dir, "backup-signing-private.asc"), keys.RootElement.GetProperty("signingKey").GetString());
            await using var env = await CliBackupEnvironment.CreateAsync(useS3: false, rows: 50);
            env.Variables["BACKUP_SIGNING_KEY"] = Path.Combine(dir, "backup-signing-private.asc");
            env.Variables["BACKUP_TRUSTED_SIGNERS"] = Path.Combine(dir, "backup-signing-public.asc");

            var key = Json(await env.RunAsync("backup", "run", "--json")).GetProperty("key").GetString()!;

            Assert.StartsWith("-----BEGIN PGP SIGNATURE-----", await File.ReadAllTextAsync(Path.Combine(env.BackupDirectory, key + ".manifest.json.sig")), StringComparison.Ordinal);
            using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(env.BackupDirectory, key + ".manifest.json")));
            Assert.Equal(fingerprint, manifest.RootElement.GetProperty("signing").GetProperty("signerFingerprint").GetString());
            Assert.Equal(key, Json(await env.RunAsync("backup", "verify", "latest", "--json")).GetProperty("key").GetString());
            File.Delete(Path.Combine(env.BackupDirectory, key + ".manifest.json.sig"));
            var unsigned = await env.RunAsync("backup", "verify", key);
            Assert.Equal(1, unsigned.ExitCode);
            Assert.Contains($"backup {key} is not signed", unsigned.StandardError, StringComparison.Ordinal);
        }

        [Fact]
        public async Task Keys_generate_writes_a_pair_and_refuses_to_overwrite_it()
        {
            var dir = Path.Combine(Directory.CreateTempSubdirectory("leopass-e2e-gen-").FullName, "keys");
            var first = await CliRunner.RunAsync(new Dictionary<string, string?>(), null, "keys", "generate", "--out", dir, "--json");
            Assert.True(first.ExitCode == 0, first.ToString());
            using var json = JsonDocument.Parse(first.StandardOutput);
            Assert.Matches("^[0-9A-F]{40}$", json.RootElement.GetProperty("fingerprint").GetString()!);
            Assert.True(File.Exists(Path.Combine(dir, "backup-public.asc")));
            var again = await CliRunner.RunAsync(new Dictionary<string, string?>(), null, "keys", "generate", "--out", dir);
            Assert.NotEqual(0, again.ExitCode);
            Assert.StartsWith("error:", again.StandardError, StringComparison.Ordinal);
        }

        [Fact]
        public async Task Keys_generate_works_before_the_configuration_does()
        {
            // A first install: the environment file already names the key files this command is about to make.
            var dir = Path.Combine(Directory.CreateTempSubdirectory("leopass-e2e-first-").FullName, "keys");
            var environment = new Dictionary<string, string?>
            {
                ["BACKUP_ENCRYPTION_PUBLIC_KEY"] = Path.Combine(dir, "backup-public.asc"),
                ["BACKUP_DECRYPTION_PRIVATE_KEY"] = Path.Combine(dir, "backup-private.asc"),
                ["BACKUP_ZSTD_LEVEL"] = "not a number",
                ["BACKUP_DECRYPTION_PASSPHRASE"] = "first-install passphrase",
            };

            var generated = await CliRunner.RunAsync(environment, null, "keys", "generate", "--out", dir, "--protect", "--json");

            Assert.True(generated.ExitCode == 0, generated.ToString());
            Assert.DoesNotContain("first-install passphrase", generated.ToString(), StringComparison.Ordinal);
            // --protect used the passphrase: gpg sees a passphrase-protected (S2K) secret key.
            var packets = await ExternalTool.RunAsync("gpg", ["--list-packets", Path.Combine(dir, "backup-private.asc")]);
            Assert.Contains("iter+salt S2K", packets.StandardOutput, StringComparison.Ordinal);
        }
    }
}
