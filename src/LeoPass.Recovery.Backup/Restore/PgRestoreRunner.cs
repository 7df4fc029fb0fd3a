using CliWrap;
using LeoPass.Recovery.Backup.Dump;
using LeoPass.Recovery.Backup.Pipeline;
using LeoPass.Recovery.Backup.Processes;

namespace LeoPass.Recovery.Backup.Restore;

/// <summary>
/// Runs <c>pg_restore --clean --if-exists --jobs N</c> from a local file (parallel restore
/// cannot read a pipe). A failure carries pg_restore's own words.
/// </summary>
public static class PgRestoreRunner
{
    /// <param name="applicationName">The <c>application_name</c> of pg_restore's sessions (all its jobs), so they can be found — and ended — by who started them.</param>
    public static async Task RunAsync(string dumpFile, string targetConnectionString, int jobs, bool noOwner, CancellationToken cancellationToken, string? applicationName = null)
    {
        var stderr = new StringBuilder();
        var arguments = new List<string>
        {
            "--clean", "--if-exists", $"--jobs={Math.Max(1, jobs)}", "--no-password", "--exit-on-error",
            $"--dbname={PostgresTools.UrlWithoutPassword(targetConnectionString)}",
        };
        if (noOwner) arguments.AddRange(["--no-owner", "--no-acl"]);
        arguments.Add(dumpFile);
        var environment = new Dictionary<string, string?>(PostgresTools.EnvironmentFor(targetConnectionString));
        if (applicationName is not null) environment["PGAPPNAME"] = applicationName;
        var result = await ChildProcess.ExecuteAsync(Cli.Wrap(PostgresTools.PathOf("pg_restore"))
            .WithArguments(arguments)
            .WithEnvironmentVariables(environment)
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(stderr))
            .WithValidation(CommandResultValidation.None), cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new BackupException($"pg_restore failed with exit code {result.ExitCode}: {ProcessErrorText.Summarise(stderr.ToString(), 5)}") { Stage = "restore" };
        }
    }
}
