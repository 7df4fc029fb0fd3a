using System.Diagnostics;

namespace LeoPass.Recovery.TestSupport;

/// <summary>Runs a real command-line tool (gpg, zstd, pg_restore) the way a responder would.</summary>
public static class ExternalTool
{
    public static async Task<CliResult> RunAsync(string program, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null,
        string? stdinFile = null, string? stdoutFile = null, TimeSpan? timeout = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory ?? "",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdinFile is not null,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) start.Environment[k] = v;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}: is it installed? (scripts/install-deps.sh)");
        var stdinTask = Task.CompletedTask;
        if (stdinFile is not null)
        {
            stdinTask = Task.Run(async () =>
            {
                await using var input = File.OpenRead(stdinFile);
                await input.CopyToAsync(process.StandardInput.BaseStream);
                process.StandardInput.Close();
            });
        }
        Task<string> stdoutTask;
        if (stdoutFile is not null)
        {
            stdoutTask = Task.Run(async () =>
            {
                await using var output = File.Create(stdoutFile);
                await process.StandardOutput.BaseStream.CopyToAsync(output);
                return "";
            });
        }
        else
        {
            stdoutTask = process.StandardOutput.ReadToEndAsync();
        }
        var stderrTask = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(cts.Token);
        await stdinTask;
        return new CliResult(process.ExitCode, await stdoutTask, await stderrTask);
    }
}
