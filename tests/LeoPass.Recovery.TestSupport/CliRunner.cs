using System.Diagnostics;
using System.Text;

namespace LeoPass.Recovery.TestSupport;

public sealed record CliResult(int ExitCode, string StandardOutput, string StandardError)
{
    public string AllOutput => StandardOutput + StandardError;
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{StandardOutput}\n--- stderr ---\n{StandardError}";
}

/// <summary>Runs ./leopass-recovery as a user would, with a controlled environment.</summary>
public static class CliRunner
{
    /// <summary>
    /// Variables that tests never inherit from the developer's shell, so a test sees exactly
    /// the configuration it sets.
    /// </summary>
    private static readonly string[] ProductVariables =
    [
        "DATABASE_URL", "RECOVERY_DATABASE_URL", "TARGET_DATABASE_URL", "OCI_BUCKET", "OCI_S3_ACCESS_KEY", "OCI_S3_SECRET_KEY",
        "OCI_S3_ENDPOINT", "OCI_REGION", "BACKUP_DIR", "BACKUP_RETENTION_DAYS", "BACKUP_COMPRESSION", "BACKUP_ZSTD_LEVEL",
        "BACKUP_ENCRYPTION_PUBLIC_KEY", "BACKUP_DECRYPTION_PRIVATE_KEY", "BACKUP_DECRYPTION_PASSPHRASE",
        "UPTIME_KUMA_PUSH_URL", "SENTRY_DSN", "OPS_WEBHOOK_URL", "BACKUP_CRON", "BACKUP_TZ", "DRILL_CRON",
    ];

    public static async Task<CliResult> RunAsync(IReadOnlyDictionary<string, string?> environment, TimeSpan? timeout = null, params string[] args)
    {
        var start = new ProcessStartInfo(System.IO.Path.Combine(RepositoryRoot.Path, "leopass-recovery"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = RepositoryRoot.Path,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var name in ProductVariables) start.Environment.Remove(name);
        foreach (var (key, value) in environment)
        {
            if (value is null) start.Environment.Remove(key); else start.Environment[key] = value;
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start leopass-recovery");
        process.StandardInput.Close();
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"leopass-recovery {string.Join(' ', args)} did not finish in time.\n{stdout}\n{stderr}");
        }
        process.WaitForExit();
        return new CliResult(process.ExitCode, stdout.ToString(), stderr.ToString());
    }
}
