using System.Runtime.InteropServices;

namespace LeoPass.Recovery.Storage.FileSystem;

/// <summary>
/// Renames a file into place only if the target name is free, atomically. .NET's
/// <c>File.Move(overwrite: false)</c> is not that on Linux: it checks the target with lstat() and
/// then calls rename(), which silently replaces a file created in between (seen with strace on
/// .NET 10). So: renameat2(RENAME_NOREPLACE) where the kernel and filesystem support it, else
/// link() + unlink() (link fails with EEXIST on a taken name; every POSIX filesystem with hard
/// links has it). A filesystem with neither is refused rather than written to unsafely.
/// </summary>
internal static partial class NoReplaceRename
{
    private const int AtCurrentDirectory = -100;
    private const uint RenameNoReplace = 1;

    private const int EEXIST = 17;
    private const int EPERM = 1;
    private const int EACCES = 13;
    private const int EINVAL = 22;
    private const int ENOSYS = 38;
    private const int EOPNOTSUPP = 95;

    public enum Outcome
    {
        Renamed,
        TargetExists,
    }

    /// <exception cref="IOException">The rename failed for another reason (the message names it).</exception>
    public static Outcome Rename(string source, string target)
    {
        if (!OperatingSystem.IsLinux()) return RenameElsewhere(source, target);

        if (renameat2(AtCurrentDirectory, source, AtCurrentDirectory, target, RenameNoReplace) == 0) return Outcome.Renamed;
        var error = Marshal.GetLastPInvokeError();
        if (error == EEXIST) return Outcome.TargetExists;
        if (error is not (EINVAL or ENOSYS or EOPNOTSUPP)) throw Failure("rename", source, target, error);

        // The filesystem has no RENAME_NOREPLACE (older kernels, some network filesystems).
        if (link(source, target) != 0)
        {
            error = Marshal.GetLastPInvokeError();
            if (error == EEXIST) return Outcome.TargetExists;
            throw error == EPERM
                ? new IOException($"cannot publish {target} safely: the filesystem supports neither renameat2(RENAME_NOREPLACE) nor hard links, so a write could replace an existing artefact; put BACKUP_DIR on ext4, xfs, btrfs or another POSIX filesystem")
                : Failure("link", source, target, error);
        }
        // Both names now point at the file; dropping the temporary one cannot lose data.
        if (unlink(source) != 0) throw Failure("unlink", source, source, Marshal.GetLastPInvokeError());
        return Outcome.Renamed;
    }

    /// <summary>Windows and macOS: File.Move without overwrite (Windows' MoveFileEx refuses a taken name atomically).</summary>
    private static Outcome RenameElsewhere(string source, string target)
    {
        try
        {
            File.Move(source, target, overwrite: false);
            return Outcome.Renamed;
        }
        catch (IOException) when (File.Exists(target))
        {
            return Outcome.TargetExists;
        }
    }

    private static Exception Failure(string call, string source, string target, int error)
    {
        var message = $"{call}({source}, {target}) failed: {Marshal.GetPInvokeErrorMessage(error)} (errno {error})";
        return error == EACCES ? new UnauthorizedAccessException(message) : new IOException(message);
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int renameat2(int olddirfd, string oldpath, int newdirfd, string newpath, uint flags);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int link(string oldpath, string newpath);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int unlink(string path);
}
