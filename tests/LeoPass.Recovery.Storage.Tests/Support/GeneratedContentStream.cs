using System.Security.Cryptography;

namespace LeoPass.Recovery.Storage.Tests.Support;

/// <summary>The fault a <see cref="GeneratedContentStream"/> stream raises, so tests can tell it from store errors.</summary>
public sealed class ContentFailedException(string message) : Exception(message);

/// <summary>
/// Deterministic bytes from a forward-only stream of unknown length — like pg_dump's stdout —
/// handed out in reads of uneven sizes. It can fail, or run a hook (cancel, kill the server),
/// once a given number of bytes has been read.
/// </summary>
public sealed class GeneratedContentStream : Stream
{
    private readonly long _length;
    private readonly Random _bytes;
    private readonly Random _readSizes = new(7);
    private long _position;
    private bool _hookRan;

    public GeneratedContentStream(long length, int seed = 1)
    {
        _length = length;
        _bytes = new Random(seed);
    }

    /// <summary>Throws <see cref="ContentFailedException"/> when a read would go past this position.</summary>
    public long? FailAt { get; init; }

    /// <summary>Runs once, the first time a read would go past <see cref="HookAt"/> (before <see cref="FailAt"/> is checked).</summary>
    public Func<Task>? Hook { get; init; }
    public long HookAt { get; init; }

    public static string Sha256Of(long length, int seed = 1)
    {
        using var content = new GeneratedContentStream(length, seed);
        return Convert.ToHexStringLower(SHA256.HashData(content));
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException("unknown length");
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var count = (int)Math.Min(Math.Min(buffer.Length, _readSizes.Next(1, 200_000)), _length - _position);
        if (Hook is not null && !_hookRan && _position + count > HookAt)
        {
            _hookRan = true;
            await Hook();
        }
        if (FailAt is { } failAt && _position + count > failAt) throw new ContentFailedException($"content failed at byte {_position}");
        cancellationToken.ThrowIfCancellationRequested();
        if (count <= 0) return 0;
        _bytes.NextBytes(buffer.Span[..count]);
        _position += count;
        return count;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
