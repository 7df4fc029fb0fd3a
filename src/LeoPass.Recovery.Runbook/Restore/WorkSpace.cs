using LeoPass.Recovery.Backup.Artefacts;

namespace LeoPass.Recovery.Runbook.Restore;

/// <summary>
/// Room for a dump in RESTORE_WORK_DIR. The manifest says how large the decrypted dump is, so the
/// download refuses before it writes a byte rather than filling the disk and leaving a partial
/// file (and a node's disk full of production data) behind. Not retried automatically: space
/// comes back only when someone frees it; the responder retries after that.
/// </summary>
public static class WorkSpace
{
    // ENOSPC on Linux, and the HRESULT Windows gives for a full disk.
    private const int NoSpaceOnLinux = 28;
    private const int DiskFullOnWindows = unchecked((int)0x80070070);

    /// <summary>Throws when the filesystem holding <paramref name="directory"/> has less free space than the manifest's dump size.</summary>
    public static void EnsureRoomFor(BackupManifest manifest, string directory)
    {
        var needed = manifest.Sizes.DumpBytes;
        var free = FreeBytes(directory);
        if (free < needed)
        {
            throw new ActivityFailedException(
                $"RESTORE_WORK_DIR is too small for {manifest.Key}: the dump needs {Describe(needed)}, {directory} has {Describe(free)} free. " +
                "Free space there or point RESTORE_WORK_DIR at a larger filesystem, then retry the step. Nothing was written.",
                retryable: false);
        }
    }

    /// <summary>Bytes an unprivileged writer may still use on the filesystem holding <paramref name="directory"/>.</summary>
    public static long FreeBytes(string directory) => new DriveInfo(Path.GetFullPath(directory)).AvailableFreeSpace;

    /// <summary>The "no space left on device" error in <paramref name="e"/> or its causes (the reader reports a write failure inside its own), or null.</summary>
    public static IOException? DiskFullIn(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is IOException io && (io.HResult == NoSpaceOnLinux || io.HResult == DiskFullOnWindows)) return io;
        }
        return null;
    }

    /// <summary>The disk filled while writing (something else took the space after the check): the partial file is already deleted.</summary>
    public static ActivityFailedException RanOut(BackupManifest manifest, string directory, long written, IOException e) => new(
        $"RESTORE_WORK_DIR ran out of space while writing the dump of {manifest.Key}: {Describe(written)} of {Describe(manifest.Sizes.DumpBytes)} written, " +
        $"{directory} has {Describe(FreeBytes(directory))} free now ({e.Message}). The partial dump was deleted. Free space there, then retry the step.",
        retryable: false, e);

    private static string Describe(long bytes) =>
        string.Create(CultureInfo.InvariantCulture, $"{bytes:N0} bytes ({bytes / 1048576.0:0.0} MiB)");
}
