using LeoPass.Recovery.Core.Configuration;
using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.Cli.Tests.Secrets;

/// <summary>
/// Every command logs through the one redacting setup: run with --verbose, each logs the
/// configuration it bound, secrets and all, and every secret comes out masked.
/// </summary>
public class SecretMaskingTests
{
    private const string S3Secret = "s3-secret-never-printed-5150";
    private const string CloudflareToken = "cf-token-never-printed-4242";

    [Fact]
    public async Task Every_command_and_the_server_mask_each_configured_secret_in_their_logs()
    {
        await using var env = await CliBackupEnvironment.CreateAsync(useS3: false, rows: 200);
        await using var target = await PostgresServer.CreateDatabaseAsync("e2emask");
        env.Variables["OCI_S3_SECRET_KEY"] = S3Secret;
        env.Variables["CLOUDFLARE_API_TOKEN"] = CloudflareToken;
        env.Variables["CLOUDFLARE_ZONE_ID"] = "zone0123abcd";
        env.Variables["TARGET_DATABASE_URL"] = target.Url;
        var databasePassword = new Npgsql.NpgsqlConnectionStringBuilder(env.Source.ConnectionString).Password!;
        string[] secrets = [databasePassword, CliBackupEnvironment.Passphrase, "kumatoken77", "sentrykey4242", S3Secret, CloudflareToken];
        var keys = Path.Combine(env.BackupDirectory, "..", "mask-keys-" + Guid.NewGuid().ToString("N")[..6]);

        string[][] commands =
        [
            ["backup", "run"], ["backup", "list"], ["backup", "verify", "latest"], ["backup", "prune", "--dry-run"],
            ["backup", "restore", "latest", "--target-database-url", PostgresConnectionString.ToUrl(PostgresConnectionString.WithDatabase(target.ConnectionString, "e2emask_plain"))],
            ["drill", "start", "--wait"], ["run", "list"], ["run", "status", "1"], ["run", "journal", "1"], ["run", "report", "1"],
            ["run", "start", "nightly-backup"], ["run", "retry", "2"], ["run", "resume", "2"], ["run", "skip", "2", "--step", "migrate", "--reason", "r"],
            ["run", "approve", "2", "--step", "restore"], ["run", "reject", "2", "--step", "restore", "--note", "n"], ["run", "abort", "2", "--reason", "r"],
            ["token", "create", "--name", "masking", "--role", "viewer"], ["token", "list"], ["token", "revoke", "masking"],
        ];
        var failures = new List<string>();
        try
        {
            foreach (var command in commands)
            {
                var result = await env.RunAsync([.. command, "--verbose"]);
                var name = string.Join(' ', command.Take(2));
                if (!result.StandardError.Contains("configuration: ", StringComparison.Ordinal) || !result.StandardError.Contains("=***", StringComparison.Ordinal))
                {
                    failures.Add($"{name}: no masked configuration line in its log\n{result}");
                }
                failures.AddRange(secrets.Where(s => result.AllOutput.Contains(s, StringComparison.Ordinal)).Select(s => $"{name}: shows a secret ({s[..3]}…)"));
            }

            // keys generate logs nothing and needs no configuration; it must not echo the passphrase either.
            var generated = await env.RunAsync("keys", "generate", "--out", keys, "--protect", "--verbose");
            failures.AddRange(secrets.Where(s => generated.AllOutput.Contains(s, StringComparison.Ordinal)).Select(s => $"keys generate: shows a secret ({s[..3]}…)"));

            var serverVariables = new Dictionary<string, string?>(env.Variables) { ["LEOPASS_LOG_LEVEL"] = "Debug" };
            await using (var server = await ServerNode.StartAsync(serverVariables))
            {
                Assert.Contains("=***", server.Output, StringComparison.Ordinal);
                failures.AddRange(secrets.Where(s => server.Output.Contains(s, StringComparison.Ordinal)).Select(s => $"server: shows a secret ({s[..3]}…)"));
            }
        }
        finally
        {
            await PostgresServer.DropDatabaseAsync("e2emask_plain");
            if (Directory.Exists(keys)) Directory.Delete(keys, recursive: true);
        }
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }
}
