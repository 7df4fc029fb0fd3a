using LeoPass.Recovery.Core.Secrets;

namespace LeoPass.Recovery.Cli.Commands;

/// <summary>
/// The one way a command gets its action. Every body runs inside the same guard: its exit code
/// passes through; Ctrl+C (the token is cancelled) prints `interrupted: …` and exits 130; any
/// other failure is one masked `error: …` line from <see cref="CliErrors"/> with its code (1 failed,
/// 2 refused). The two entry points differ only in what the body is handed.
/// </summary>
internal static class CommandActions
{
    /// <summary>A command that works on the product: the body gets a started client node (<see cref="CliContext"/>, configuration validated).</summary>
    public static void SetAction(this Command command, Func<CliContext, ParseResult, CancellationToken, Task<int>> body) =>
        command.SetActionWithoutHost(async (output, parse, cancellationToken) =>
        {
            await using var context = await CliContext.CreateAsync(output, parse.GetValue(CommonOptions.Verbose), cancellationToken);
            return await body(context, parse, cancellationToken);
        });

    /// <summary>
    /// A command that builds its own host, or none: `keys generate` (it makes the key files the
    /// configuration then names), `run …` and `drill …` (a temporary node or a client, decided
    /// after parsing), `server`, `demo`, `bench`.
    /// </summary>
    public static void SetActionWithoutHost(this Command command, Func<CliOutput, ParseResult, CancellationToken, Task<int>> body) =>
        command.SetAction((parse, cancellationToken) => RunAsync(parse, body, cancellationToken));

    private static async Task<int> RunAsync(ParseResult parse, Func<CliOutput, ParseResult, CancellationToken, Task<int>> body, CancellationToken cancellationToken)
    {
        var output = new CliOutput(parse.GetValue(CommonOptions.Json), SecretRedactor.Shared);
        try
        {
            return await body(output, parse, cancellationToken);
        }
        catch (CommandInterruptedException e)
        {
            output.Interrupted(e.Message);
            return ExitCodes.Interrupted;
        }
        catch (Exception e) when (cancellationToken.IsCancellationRequested)
        {
            // What was cancelled (a query, the host's start) says nothing a person needs; that the command stopped does.
            output.Interrupted($"{StopSignals.Describe()} stopped `{Path(parse)}`" + (e is OperationCanceledException ? "" : $" ({e.Message})"));
            return ExitCodes.Interrupted;
        }
        catch (Exception e)
        {
            return CliErrors.Report(e, output);
        }
    }

    /// <summary>"backup run": the command as typed, without the program's name.</summary>
    private static string Path(ParseResult parse)
    {
        var names = new List<string>();
        for (var result = parse.CommandResult; result.Parent is System.CommandLine.Parsing.CommandResult parent; result = parent) names.Add(result.Command.Name);
        names.Reverse();
        return string.Join(' ', names);
    }
}

/// <summary>The command line asks for something impossible (a bad argument combination).</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>A run the command followed did not succeed: the message says how it ended, the exit code tells scripts.</summary>
internal sealed class RunOutcomeException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

/// <summary>Ctrl+C stopped the command; the message says what became of its work (a run halted and resumable, or left to a server).</summary>
internal sealed class CommandInterruptedException(string message) : Exception(message);
