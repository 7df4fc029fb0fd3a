using System.Diagnostics;

namespace LeoPass.Recovery.Runbook.Tests.Support;

/// <summary>
/// A real filesystem of a fixed size: a tmpfs mounted for the test (the tests run as root, as CI
/// does here). Writing past its size fails with ENOSPC exactly as a full disk does. A machine where
/// mounting is refused fails the test with the reason, it never passes it.
/// </summary>
public sealed class SmallFilesystem : IDisposable
{
    private SmallFilesystem(string path) => Path = path;

    public string Path { get; }

    public static SmallFilesystem Mount(string under, long bytes)
    {
        var path = Directory.CreateDirectory(System.IO.Path.Combine(under, "small-fs")).FullName;
        Run("mount", "-t", "tmpfs", "-o", $"size={bytes},mode=0700", "tmpfs", path);
        return new SmallFilesystem(path);
    }

    public long FreeBytes => new DriveInfo(Path).AvailableFreeSpace;

    public void Dispose() => Run("umount", "--lazy", Path);

    private static void Run(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"`{tool} {string.Join(' ', arguments)}` failed ({process.ExitCode}): {error.Trim()}. This test needs a real small filesystem: run it as root (CAP_SYS_ADMIN), as ./scripts/test.sh does in CI.");
        }
    }
}
