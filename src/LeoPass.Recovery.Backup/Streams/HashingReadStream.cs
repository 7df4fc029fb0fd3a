using System.Security.Cryptography;

namespace LeoPass.Recovery.Backup.Streams;

/// <summary>A read-only pass-through that computes SHA-256 and counts bytes of everything read through it.</summary>
public sealed class HashingReadStream(Stream inner, bool leaveOpen = false) : ReadOnlyStream
{
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private string? _hex;

    public long BytesRead { get; private set; }

    /// <summary>Called after each read with the running total.</summary>
    public Action<long>? Progress { get; init; }

    /// <summary>Lowercase hex SHA-256 of all bytes read; reading ends once this is taken.</summary>
    public string Sha256Hex => _hex ??= Convert.ToHexStringLower(_sha256.GetHashAndReset());

    /// <summary>Reads whatever is left so that <see cref="Sha256Hex"/> covers the whole source.</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        while (await ReadAsync(buffer, cancellationToken) > 0) { }
    }

    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        Account(buffer[..n]);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer, cancellationToken);
        Account(buffer.Span[..n]);
        return n;
    }

    private void Account(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty) return;
        _sha256.AppendData(data);
        BytesRead += data.Length;
        Progress?.Invoke(BytesRead);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _sha256.Dispose();
            if (!leaveOpen) inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
