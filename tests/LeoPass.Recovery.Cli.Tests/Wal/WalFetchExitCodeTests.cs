using LeoPass.Recovery.Backup.Pitr;
using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.Cli.Tests.Wal;

/// <summary>
/// `wal fetch` is PostgreSQL's restore_command, and PostgreSQL reads only its exit code: 0, the file
/// is there; 1, the archive ends here (recovery finishes and promotes); 126, the file should exist
/// but cannot be had, which stops recovery instead of promoting a history cut short. Each answer as
/// the command gives it, from a restore's WAL spool and from the store.
/// </summary>
public sealed class WalFetchExitCodeTests
{
    private const string Segment = "000000010000000000000003";

    [Fact]
    public async Task A_planned_file_the_restore_could_not_fetch_exits_126_naming_why_and_writes_nothing()
    {
        var spool = NewSpool([Segment]);
        var destination = Path.Combine(spool.Directory, "pg_wal", Segment);
        File.WriteAllText(spool.MissingPath(Segment), "its SHA-256 is not the manifest's");

        var result = await FetchAsync(Segment, destination, "--spool", spool.Directory);

        Assert.True(result.ExitCode == 126, result.ToString());
        Assert.Contains($"error: WAL file {Segment} cannot be restored: its SHA-256 is not the manifest's", result.StandardError, StringComparison.Ordinal);
        Assert.False(File.Exists(destination));
    }

    [Fact]
    public async Task A_directory_that_is_no_restores_spool_exits_126_not_1_so_recovery_does_not_promote_early()
    {
        var directory = Directory.CreateTempSubdirectory("leopass-nospool-").FullName;

        var result = await FetchAsync(Segment, Path.Combine(directory, Segment), "--spool", directory);

        Assert.True(result.ExitCode == 126, result.ToString());
        Assert.Contains("is not a restore's WAL spool", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_past_the_plans_end_exits_1_and_a_file_that_arrived_exits_0_with_its_bytes()
    {
        const string next = "000000010000000000000004";
        var spool = NewSpool([Segment]);
        byte[] content = [1, 2, 3, 4, 5];
        File.WriteAllBytes(spool.ReadyPath(Segment), content);
        var destination = Path.Combine(spool.Directory, "restored");

        var pastTheEnd = await FetchAsync(next, destination, "--spool", spool.Directory);
        var delivered = await FetchAsync(Segment, destination, "--spool", spool.Directory);

        Assert.True(pastTheEnd.ExitCode == 1, pastTheEnd.ToString());
        Assert.Contains($"wal fetch: {next} is not in this restore's plan", pastTheEnd.StandardError, StringComparison.Ordinal);
        Assert.True(delivered.ExitCode == 0, delivered.ToString());
        Assert.Equal(content, File.ReadAllBytes(destination));
        Assert.True(spool.IsDone(Segment));
    }

    [Fact]
    public async Task A_file_never_shipped_to_the_store_exits_1()
    {
        await using var env = await CliBackupEnvironment.CreateAsync(useS3: false, rows: 20);
        var destination = Path.Combine(env.BackupDirectory, "fetched-" + Segment);

        var result = await env.RunAsync("wal", "fetch", Segment, destination);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains($"wal fetch: {Segment} was not shipped to", result.StandardError, StringComparison.Ordinal);
        Assert.False(File.Exists(destination));
    }

    private static FetchSpool NewSpool(IReadOnlyList<string> plan)
    {
        var spool = new FetchSpool(Directory.CreateTempSubdirectory("leopass-spool-").FullName);
        spool.WritePlan(plan);
        return spool;
    }

    private static Task<CliResult> FetchAsync(string file, string destination, params string[] options) =>
        CliRunner.RunAsync(new Dictionary<string, string?>(), TimeSpan.FromMinutes(2), ["wal", "fetch", file, destination, .. options]);
}
