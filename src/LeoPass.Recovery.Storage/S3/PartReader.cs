namespace LeoPass.Recovery.Storage.S3;

/// <summary>Fills a part buffer from a stream that may hand out any number of bytes per read.</summary>
internal static class PartReader
{
    /// <summary>Reads until <paramref name="buffer"/> is full or the stream ends; returns the bytes read (0 at the end).</summary>
    public static async Task<int> FillAsync(Stream content, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await content.ReadAsync(buffer[filled..], cancellationToken);
            if (read == 0) break;
            filled += read;
        }
        return filled;
    }
}
