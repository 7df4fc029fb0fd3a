using System.CommandLine;
using LeoPass.Recovery.Cli.Commands;

namespace LeoPass.Recovery.Cli;

/// <summary>Builds the command tree. Each command group lives in its own file under Commands/.</summary>
public static class CliApplication
{
    /// <summary>
    /// How long a command may take to finish after Ctrl+C or SIGTERM before System.CommandLine ends the
    /// process anyway. Its default, 2 s, cut every clean stop short: a server was gone before its host
    /// stopped (the cluster check-in it should remove stayed behind, and the next node logged it as a
    /// failed instance), and a command lost the time to delete a partial dump or end an upload. Longer
    /// than the host's own shutdown timeout (15 s, RecoveryNode), so the host always finishes first.
    /// </summary>
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(25);

    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("LeoPass.Recovery — verified, encrypted PostgreSQL backups and resumable restore runbooks.");
        root.Options.Add(CommonOptions.Json);
        root.Options.Add(CommonOptions.Verbose);
        foreach (var command in CommandGroups.All())
        {
            root.Subcommands.Add(command);
        }
        var parse = root.Parse(args);
        var code = await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = StopGrace });
        // A command line that does not parse (unknown option, missing argument) is a refusal, 2 as the
        // README's exit codes say, not System.CommandLine's default 1, which means "the work failed".
        return parse.Errors.Count > 0 ? CliErrors.Refused : code;
    }
}
