using System.Text;
using CliWrap;
using LeoPass.Recovery.Backup.Dump;
using LeoPass.Recovery.Backup.Pipeline;

namespace LeoPass.Recovery.Backup.Restore;

/// <summary>
/// Runs <c>pg_restore --clean --if-exists --jobs N</c> from a local file (parallel restore
/// cannot read a pipe). A failure carries pg_restore's own words.
/// </summary>
public static class PgRestoreRunner
{
    public static async Task RunAsync(string dumpFile, string targetConnectionString, int jobs, bool noOwner, CancellationToken cancellationToken)
    {
        var stderr = new StringBuilder();
        var arguments = new List<string>
        {
            "--clean", "--if-exists", $"--jobs={Math.Max(1, jobs)}", "--no-password", "--exit-on-error",
            $"--dbname={PostgresTools.UrlWithoutPassword(targetConnectionString)}",
        };
        if (noOwner) arguments.AddRange(["--no-owner", "--no-acl"]);
        arguments.Add(dumpFile);
        var result = await Cli.Wrap(PostgresTools.PathOf("pg_restore"))
            .WithArguments(arguments)
            .WithEnvironmentVariables(PostgresTools.EnvironmentFor(targetConnectionString))
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(stderr))
            .WithValidation(CommandResultValidation.None)
            .ExecuteAsync(cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new BackupException($"pg_restore failed with exit code {result.ExitCode}: {ProcessErrorText.Summarise(stderr.ToString(), 5)}") { Stage = "restore" };
        }
    }
}
