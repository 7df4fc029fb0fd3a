using System.Diagnostics;
using System.Text;
using CliWrap;
using LeoPass.Recovery.Backup.Processes;
using LeoPass.Recovery.Core.Secrets;

namespace LeoPass.Recovery.Runbook.Shell;

/// <summary>What a configured command did: exit code, time, and the tail of its output with secrets masked.</summary>
public sealed record ShellResult(string Command, int ExitCode, TimeSpan Duration, string OutputTail)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>The last <paramref name="count"/> lines of output, joined with " | ".</summary>
    public string LastLines(int count) => string.Join(" | ", OutputTail.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(count));

    /// <summary>
    /// "<paramref name="what"/> exited with 3: last lines", or "… exited with 1 and printed
    /// nothing" — never a dangling "exited with 1: ." that leaves the reader guessing.
    /// </summary>
    public string Failure(string what, int lines = 5) =>
        LastLines(lines) is { Length: > 0 } said ? $"{what} exited with {ExitCode}: {said}" : $"{what} exited with {ExitCode} and printed nothing";
}

/// <summary>
/// Runs an operator-configured command line (migrations, smoke tests, worker switches) through
/// <c>/bin/sh -c</c>, as the runbook writes them. Secrets travel in the environment, never on the
/// command line; the captured output is redacted before it is kept anywhere.
/// </summary>
public static class ShellCommand
{
    private const int TailLines = 30;

    public static async Task<ShellResult> RunAsync(string command, string? workingDirectory, IReadOnlyDictionary<string, string?> environment,
        CancellationToken cancellationToken)
    {
        var output = new StringBuilder();
        var stopwatch = Stopwatch.StartNew();
        var cli = Cli.Wrap("/bin/sh").WithArguments(["-c", command])
            .WithEnvironmentVariables(environment)
            .WithStandardOutputPipe(PipeTarget.ToDelegate(line => Append(output, line)))
            .WithStandardErrorPipe(PipeTarget.ToDelegate(line => Append(output, line)))
            .WithValidation(CommandResultValidation.None);
        if (workingDirectory is not null) cli = cli.WithWorkingDirectory(workingDirectory);
        CommandResult result;
        try
        {
            result = await ChildProcess.ExecuteAsync(cli, cancellationToken);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return new ShellResult(command, 127, stopwatch.Elapsed, e.Message);
        }
        string tail;
        lock (output)
        {
            var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            tail = string.Join('\n', lines.TakeLast(TailLines));
        }
        return new ShellResult(command, result.ExitCode, stopwatch.Elapsed, SecretRedactor.Shared.Redact(tail));
    }

    private static void Append(StringBuilder output, string line)
    {
        lock (output)
        {
            // Bounded: a chatty test suite must not grow memory without end; only the tail is kept.
            if (output.Length > 256 * 1024) output.Remove(0, output.Length - 128 * 1024);
            output.AppendLine(line);
        }
    }
}
