using LeoPass.Recovery.Runbook.Shell;

namespace LeoPass.Recovery.Runbook.Tests.Shell;

public sealed class ShellCommandTests
{
    [Fact]
    public async Task A_failing_command_that_printed_nothing_says_so_instead_of_an_empty_colon()
    {
        var result = await ShellCommand.RunAsync("exit 1", null, new Dictionary<string, string?>(), CancellationToken.None);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("migrations command `exit 1` exited with 1 and printed nothing", result.Failure("migrations command `exit 1`"));
    }

    [Fact]
    public async Task A_failing_command_is_described_by_its_exit_code_and_last_lines()
    {
        var result = await ShellCommand.RunAsync("echo first >&2; echo 'Error: P3009' >&2; exit 3", null, new Dictionary<string, string?>(), CancellationToken.None);
        Assert.Equal(3, result.ExitCode);
        Assert.Equal("smoke test exited with 3: first | Error: P3009", result.Failure("smoke test"));
    }

    [Fact]
    public async Task Commands_keep_their_environment_working_directory_and_standard_input()
    {
        var directory = Directory.CreateTempSubdirectory("leopass-shell-").FullName;
        try
        {
            var result = await ShellCommand.RunAsync("echo \"$GREETING from $(pwd)\"; read line || echo \"stdin: eof\"", directory,
                new Dictionary<string, string?> { ["GREETING"] = "hello" }, CancellationToken.None);
            Assert.True(result.Succeeded, result.OutputTail);
            Assert.Contains($"hello from {directory}", result.OutputTail, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, true);
        }
    }
}
