using System.ComponentModel;
using System.Text;
using CliWrap;
using CliWrap.Buffered;

namespace LeoPass.Recovery.Backup.Tests.Encryption;

/// <summary>
/// Runs a real command-line tool (gpg, zstd, gzip). A missing tool fails the test with a hint;
/// it never skips, because "decrypts with plain gpg" is the promise these tests exist to keep.
/// </summary>
public static class ExternalTool
{
    public static async Task<BufferedCommandResult> RunAsync(
        string tool,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? standardInput = null)
    {
        var command = Cli.Wrap(tool)
            .WithArguments(arguments)
            .WithEnvironmentVariables(environment ?? new Dictionary<string, string?>())
            .WithValidation(CommandResultValidation.None);
        if (standardInput is not null) command = command.WithStandardInputPipe(PipeSource.FromString(standardInput));

        BufferedCommandResult result;
        try
        {
            result = await command.ExecuteBufferedAsync(Encoding.UTF8);
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException(
                $"'{tool}' is required by this test but could not be started ({e.Message}); ./scripts/install-deps.sh installs it.", e);
        }

        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{tool} {string.Join(' ', arguments)} exited with {result.ExitCode}:\n{result.StandardError}\n{result.StandardOutput}");
        }
        return result;
    }
}
