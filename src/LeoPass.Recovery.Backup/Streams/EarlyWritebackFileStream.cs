using System.Runtime.InteropServices;

namespace LeoPass.Recovery.Backup.Streams;

/// <summary>
/// Writes to a file and, every <see cref="WritebackIntervalBytes"/>, asks Linux to start writing the
/// bytes written so far to disk without waiting (<c>sync_file_range(SYNC_FILE_RANGE_WRITE)</c>). The
/// disk then works while the writer goes on producing, so the fsync that makes a file complete has
/// only the tail left to wait for, and whatever reads the file next (pg_restore) finds a clean page
/// cache instead of half a gigabyte of pending writeback. Elsewhere it is a plain pass-through.
/// </summary>
public sealed class EarlyWritebackFileStream(FileStream file) : Stream
{
    public const long WritebackIntervalBytes = 32L << 20;

    private const uint SyncFileRangeWrite = 2;

    private long _written;
    private long _writebackStartedUpTo;
    private bool _writebackAvailable = OperatingSystem.IsLinux();

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _written; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        file.Write(buffer);
        Wrote(buffer.Length);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await file.WriteAsync(buffer, cancellationToken);
        Wrote(buffer.Length);
    }

    /// <summary>Flushes the file stream's buffer and waits until every byte is on disk.</summary>
    public void FlushToDisk() => file.Flush(flushToDisk: true);

    private void Wrote(int count)
    {
        _written += count;
        if (!_writebackAvailable || _written - _writebackStartedUpTo < WritebackIntervalBytes) return;
        // Bytes still in the FileStream's own buffer are not in the file yet; the kernel skips what is not dirty.
        try
        {
            if (sync_file_range(file.SafeFileHandle, _writebackStartedUpTo, _written - _writebackStartedUpTo, SyncFileRangeWrite) != 0)
                _writebackAvailable = false; // e.g. a file system without it: the final fsync does all the work
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            _writebackAvailable = false;
        }
        _writebackStartedUpTo = _written;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int sync_file_range(SafeHandle fd, long offset, long nbytes, uint flags);

    public override void Flush() => file.Flush();
    public override Task FlushAsync(CancellationToken cancellationToken) => file.FlushAsync(cancellationToken);
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
