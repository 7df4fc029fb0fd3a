using LeoPass.Recovery.Backup.Encryption;
using LeoPass.Recovery.Engine.Runs;
using LeoPass.Recovery.Runbook.Tests.Support;
using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.Runbook.Tests;

public sealed class PreflightTests
{
    [Fact]
    public async Task Bad_input_is_refused_before_any_step_runs_or_anything_is_touched()
    {
        await using var bed = await RunbookTestBed.CreateAsync(rows: 500);
        bed.ConfigureProductionSwitches();
        await bed.BackupAsync();
        var node = await bed.StartEngineAsync();

        async Task<string> Refused(string definition, Dictionary<string, string> parameters)
        {
            var e = await Assert.ThrowsAsync<InvalidRunRequestException>(() => node.StartAsync(definition, parameters));
            return e.Message;
        }

        Assert.Contains("no backup 'leopass-2001-01-01T000000Z.dump.zst.pgp'",
            await Refused("incident-restore", new() { ["confirm"] = bed.TargetName, ["backup"] = "leopass-2001-01-01T000000Z.dump.zst.pgp" }), StringComparison.Ordinal);
        Assert.Contains("requires parameter 'confirm'", await Refused("incident-restore", []), StringComparison.Ordinal);
        Assert.Contains($"does not name the restore target '{bed.TargetName}'",
            await Refused("incident-restore", new() { ["confirm"] = "leopass" }), StringComparison.Ordinal);

        Assert.Empty(await node.Queries.ListAsync());
        Assert.Empty(bed.Http.Requests);
        Assert.False(await PostgresServer.DatabaseExistsAsync(bed.TargetName));

        // Through the CLI, as a responder meets them: each is a refusal (exit 2, README), with one `error:` line.
        static void RefusedWith(CliResult result, string expected)
        {
            Assert.True(result.ExitCode == 2, result.ToString());
            var error = Assert.Single(result.StandardError.Split('\n'), l => l.StartsWith("error:", StringComparison.Ordinal));
            Assert.Contains(expected, error, StringComparison.Ordinal);
        }
        var wrongKey = new Dictionary<string, string?>(bed.Variables) { ["BACKUP_DECRYPTION_PRIVATE_KEY"] = RunbookTestBed.OtherKeyPair.PrivateKeyPath };
        RefusedWith(await CliRunner.RunAsync(wrongKey, TimeSpan.FromMinutes(3), "drill", "start", "--definition", "incident-restore", "--confirm", bed.TargetName),
            "BACKUP_DECRYPTION_PRIVATE_KEY holds key");

        var intoSource = new Dictionary<string, string?>(bed.Variables) { ["TARGET_DATABASE_URL"] = bed.Variables["DATABASE_URL"] };
        RefusedWith(await CliRunner.RunAsync(intoSource, TimeSpan.FromMinutes(3), "drill", "start", "--definition", "incident-restore", "--confirm", bed.Source.Name),
            "is the source database named by DATABASE_URL");
        var sourceSpelledLocalhost = bed.Variables["DATABASE_URL"]!.Replace("@127.0.0.1:", "@localhost:", StringComparison.Ordinal);
        Assert.NotEqual(bed.Variables["DATABASE_URL"], sourceSpelledLocalhost);
        var intoSourceByName = new Dictionary<string, string?>(bed.Variables) { ["TARGET_DATABASE_URL"] = sourceSpelledLocalhost };
        RefusedWith(await CliRunner.RunAsync(intoSourceByName, TimeSpan.FromMinutes(3), "drill", "start", "--definition", "incident-restore", "--confirm", bed.Source.Name),
            "is the source database named by DATABASE_URL");

        RefusedWith(await CliRunner.RunAsync(bed.Variables, TimeSpan.FromMinutes(3), "drill", "start", "--definition", "incident-restore"),
            "--confirm <target database name>");
        RefusedWith(await CliRunner.RunAsync(bed.Variables, TimeSpan.FromMinutes(3), "drill", "start", "--definition", "incident-restore", "--confirm", "leopass"),
            $"--confirm 'leopass' does not name the restore target '{bed.TargetName}'");
        RefusedWith(await CliRunner.RunAsync(bed.Variables, TimeSpan.FromMinutes(3), "run", "start", "incident-restore"),
            "requires parameter 'confirm'");

        Assert.Empty(await node.Queries.ListAsync());
        Assert.Empty(bed.Http.Requests);
        Assert.False(await PostgresServer.DatabaseExistsAsync(bed.TargetName));
        Assert.Equal(500L, await bed.Source.ScalarAsync<long>("SELECT (SELECT count(*) FROM events) + (SELECT count(*) FROM attendees) + (SELECT count(*) FROM scans)"));
    }

    [Fact]
    public async Task A_drill_whose_restore_point_is_unsigned_is_refused_before_any_step_when_signers_are_trusted()
    {
        await using var bed = await RunbookTestBed.CreateAsync(rows: 200);
        // A backup made with the public key alone: what someone who can write to the bucket could plant.
        var planted = await bed.BackupAsync();
        var signer = OpenPgpKeyPairGenerator.GenerateSigningKey(Path.Combine(Directory.CreateTempSubdirectory("leopass-drill-signer-").FullName, "keys"));
        var trusting = new Dictionary<string, string?>(bed.Variables) { ["BACKUP_TRUSTED_SIGNERS"] = signer.PublicKeyPath };

        var result = await CliRunner.RunAsync(trusting, TimeSpan.FromMinutes(3), "drill", "start", "--backup", planted);

        Assert.True(result.ExitCode == 2, result.ToString());
        var error = Assert.Single(result.StandardError.Split('\n'), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains("refused before any step ran", error, StringComparison.Ordinal);
        Assert.Contains($"backup {planted} is not signed", error, StringComparison.Ordinal);
        Assert.Contains(signer.Fingerprint, error, StringComparison.Ordinal);
        Assert.Empty(bed.Http.Requests);
        Assert.False(await PostgresServer.DatabaseExistsAsync(bed.TargetName));
    }

    [Fact]
    public async Task A_start_with_several_settings_missing_names_them_all_at_once_and_touches_nothing()
    {
        await using var bed = await RunbookTestBed.CreateAsync(rows: 200);
        await bed.BackupAsync();
        // No traffic switch, no way to reach the services, no restore target, no private key; a rotation without the role.
        var missing = new Dictionary<string, string?>(bed.Variables) { ["TARGET_DATABASE_URL"] = null, ["BACKUP_DECRYPTION_PRIVATE_KEY"] = null };
        string[] expected =
        [
            "CLOUDFLARE_API_TOKEN and CLOUDFLARE_ZONE_ID, or WORKER_HOOK_URL or WORKER_PAUSE_COMMAND",
            "TARGET_DATABASE_URL", "BACKUP_DECRYPTION_PRIVATE_KEY",
            "SERVICES_ENV_FILE, SERVICES_RECONFIGURE_COMMAND or SERVICES_HOOK_URL", "APP_DATABASE_ROLE",
            "DNS_FAILOVER_RECORDS", "CLOUDFLARE_API_TOKEN and CLOUDFLARE_ZONE_ID (the zone holding the failover's DNS records",
        ];

        var cli = await CliRunner.RunAsync(missing, TimeSpan.FromMinutes(3), "drill", "start", "--definition", "dr-rehearsal", "--rotate-credentials");
        Assert.True(cli.ExitCode == 2, cli.ToString());
        var error = Assert.Single(cli.StandardError.Split('\n'), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains("dr-rehearsal: refused before any step ran: 7 setting(s) missing or invalid", error, StringComparison.Ordinal);
        foreach (var name in expected) Assert.Contains(name, error, StringComparison.Ordinal);
        // A setting several steps need is named once, with the steps that need it.
        Assert.Contains("TARGET_DATABASE_URL (the server and database restores go to; step check, provision, restore, migrate, reconfigure, validate)", error, StringComparison.Ordinal);
        Assert.Contains("the zone holding the failover's DNS records, and a token with DNS edit on it; step failover, failback)", error, StringComparison.Ordinal);

        // The same start through the HTTP API of a real server: 400 problem details with the same list, no values.
        var variables = new Dictionary<string, string?>(missing)
        {
            ["LEOPASS_SCHEDULER_NAME"] = "rb-" + Guid.NewGuid().ToString("N")[..8],
            ["LEOPASS_WORKFLOWS_DIR"] = Path.Combine(RepositoryRoot.Path, "workflows"),
        };
        await using (var server = await ProductHost.StartServerAsync(variables))
        {
            var token = (await server.Get<LeoPass.Recovery.Server.Tokens.TokenStore>().CreateAsync("preflight-admin", LeoPass.Recovery.Server.Roles.ApiRole.Admin, "test")).Token;
            using var http = new HttpClient { BaseAddress = server.BaseAddress };
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            using var response = await http.PostAsync("/api/runs", new StringContent(
                """{"definition":"incident-restore","parameters":{"confirm":"anything","rotateCredentials":"true"}}""", System.Text.Encoding.UTF8, "application/json"));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == System.Net.HttpStatusCode.BadRequest, body);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = System.Text.Json.Nodes.JsonNode.Parse(body)!["errors"]!["settings"]![0]!.GetValue<string>();
            Assert.Contains("incident-restore: refused before any step ran: 7 setting(s) missing or invalid", problem, StringComparison.Ordinal);
            foreach (var name in expected) Assert.Contains(name, problem, StringComparison.Ordinal);
            foreach (var value in new[] { bed.Recovery.Url, bed.Source.Url }) Assert.DoesNotContain(value, body, StringComparison.Ordinal);
        }

        var node = await bed.StartEngineAsync(executesRuns: false);
        Assert.Empty(await node.Queries.ListAsync());
        Assert.Empty(bed.Http.Requests);
        Assert.False(await PostgresServer.DatabaseExistsAsync(bed.TargetName));
    }
}
