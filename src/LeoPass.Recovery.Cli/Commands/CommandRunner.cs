using System.CommandLine;
using LeoPass.Recovery.Cli.Hosting;
using LeoPass.Recovery.Cli.Output;
using LeoPass.Recovery.Core.Configuration;
using LeoPass.Recovery.Core.Secrets;
using LeoPass.Recovery.Storage;

namespace LeoPass.Recovery.Cli.Commands;

/// <summary>
/// Runs a command's body with the context it needs; <see cref="CliErrors"/> turns every failure
/// into one line on stderr and an exit code (0 success, 1 failed, 2 refused, 130 interrupted).
/// </summary>
internal static class CommandRunner
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int BadInput = 2;
    public const int Interrupted = 130;

    public static void SetAction(this Command command, Func<CliContext, ParseResult, CancellationToken, Task<int>> body) =>
        command.SetAction((parse, cancellationToken) => RunWithContextAsync(parse, body, cancellationToken));

    /// <summary>What <see cref="SetAction"/> runs: for a command whose action picks one of several bodies.</summary>
    public static Task<int> RunWithContextAsync(ParseResult parse, Func<CliContext, ParseResult, CancellationToken, Task<int>> body, CancellationToken cancellationToken) =>
        RunAsync(parse, async json =>
        {
            await using var context = await CliContext.CreateAsync(json, parse.GetValue(CommonOptions.Verbose), cancellationToken);
            return await body(context, parse, cancellationToken);
        }, cancellationToken);

    /// <summary>
    /// For a command that must work before the configuration does (`keys generate` makes the key
    /// files the configuration then names): the environment is not loaded or validated.
    /// </summary>
    public static void SetActionWithoutConfiguration(this Command command, Func<CliOutput, ParseResult, CancellationToken, Task<int>> body) =>
        command.SetAction((parse, cancellationToken) => RunAsync(parse, json => body(new CliOutput(json, SecretRedactor.Shared), parse, cancellationToken), cancellationToken));

    private static async Task<int> RunAsync(ParseResult parse, Func<bool, Task<int>> run, CancellationToken cancellationToken)
    {
        var json = parse.GetValue(CommonOptions.Json);
        try
        {
            return await run(json);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Console.Error.WriteLine("error: interrupted");
            return Interrupted;
        }
        catch (Exception e)
        {
            return CliErrors.Report(e, json);
        }
    }
}

/// <summary>The command line asks for something impossible (a bad argument combination).</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>A run the command followed did not succeed: the message says how it ended, the exit code tells scripts.</summary>
internal sealed class RunOutcomeException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
