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

        // Wrong private key, target equal to the source: through the CLI, as a responder meets them.
        var wrongKey = new Dictionary<string, string?>(bed.Variables) { ["BACKUP_DECRYPTION_PRIVATE_KEY"] = RunbookTestBed.OtherKeyPair.PrivateKeyPath };
        var result = await CliRunner.RunAsync(wrongKey, TimeSpan.FromMinutes(3), "drill", "start", "--definition", "incident-restore", "--confirm", bed.TargetName);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("BACKUP_DECRYPTION_PRIVATE_KEY holds key", result.StandardError, StringComparison.Ordinal);

        var intoSource = new Dictionary<string, string?>(bed.Variables) { ["TARGET_DATABASE_URL"] = bed.Variables["DATABASE_URL"] };
        result = await CliRunner.RunAsync(intoSource, TimeSpan.FromMinutes(3), "drill", "start", "--definition", "incident-restore", "--confirm", bed.Source.Name);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("is the source database named by DATABASE_URL", result.StandardError, StringComparison.Ordinal);

        result = await CliRunner.RunAsync(bed.Variables, TimeSpan.FromMinutes(3), "drill", "start", "--definition", "incident-restore");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--confirm <target database name>", result.StandardError, StringComparison.Ordinal);
        result = await CliRunner.RunAsync(bed.Variables, TimeSpan.FromMinutes(3), "run", "start", "incident-restore");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("requires parameter 'confirm'", result.StandardError, StringComparison.Ordinal);

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

        Assert.Equal(1, result.ExitCode);
        var error = Assert.Single(result.StandardError.Split('\n'), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains("refused before any step ran", error, StringComparison.Ordinal);
        Assert.Contains($"backup {planted} is not signed", error, StringComparison.Ordinal);
        Assert.Contains(signer.Fingerprint, error, StringComparison.Ordinal);
        Assert.Empty(bed.Http.Requests);
        Assert.False(await PostgresServer.DatabaseExistsAsync(bed.TargetName));
    }
}
