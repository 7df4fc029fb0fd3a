using System.CommandLine;
using LeoPass.Recovery.Cli.Commands;

namespace LeoPass.Recovery.Cli;

/// <summary>Builds the command tree. Each command group lives in its own file under Commands/.</summary>
public static class CliApplication
{
    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("LeoPass.Recovery — verified, encrypted PostgreSQL backups and resumable restore runbooks.");
        root.Options.Add(CommonOptions.Json);
        root.Options.Add(CommonOptions.Verbose);
        foreach (var command in CommandGroups.All())
        {
            root.Subcommands.Add(command);
        }
        return await root.Parse(args).InvokeAsync();
    }
}
