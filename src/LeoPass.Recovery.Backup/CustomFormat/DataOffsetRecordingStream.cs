using LeoPass.Recovery.Backup.Streams;

namespace LeoPass.Recovery.Backup.CustomFormat;

/// <summary>A write-only pass-through that shows every byte written to a <see cref="DataOffsetRecorder"/>.</summary>
public sealed class DataOffsetRecordingStream(Stream inner, DataOffsetRecorder recorder) : WriteOnlyStream
{
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        inner.Write(buffer);
        recorder.Observe(buffer);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await inner.WriteAsync(buffer, cancellationToken);
        recorder.Observe(buffer.Span);
    }

    public override void Flush() => inner.Flush();
    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
}
