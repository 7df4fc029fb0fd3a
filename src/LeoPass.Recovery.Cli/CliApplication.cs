using LeoPass.Recovery.Cli.Commands;
using LeoPass.Recovery.Core.Secrets;

namespace LeoPass.Recovery.Cli;

/// <summary>Builds the command tree. Each command group lives in its own file under Commands/.</summary>
public static class CliApplication
{
    public static async Task<int> RunAsync(string[] args)
    {
        RedactingWriter.Install(SecretRedactor.Shared);
        var root = new RootCommand("LeoPass.Recovery — verified, encrypted PostgreSQL backups and resumable restore runbooks.");
        root.Options.Add(CommonOptions.Json);
        root.Options.Add(CommonOptions.Verbose);
        foreach (var command in CommandGroups.All())
        {
            root.Subcommands.Add(command);
        }
        var parse = root.Parse(args);
        // Signals are StopSignals' alone (System.CommandLine's own handling is off: no ProcessTerminationTimeout):
        // a first Ctrl+C cancels the command's token, a second within 5 s stops at once.
        using var signals = new StopSignals(ExitCodes.Interrupted).Listen();
        var code = await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, signals.Token);
        // A command line that does not parse (unknown option, missing argument) is a refusal, 2 as the
        // README's exit codes say, not System.CommandLine's default 1, which means "the work failed".
        return parse.Errors.Count > 0 ? ExitCodes.Refused : code;
    }
}
