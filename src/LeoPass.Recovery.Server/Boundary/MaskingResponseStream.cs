using System.Text;
using LeoPass.Recovery.Server.Errors;
using Microsoft.AspNetCore.Http;

namespace LeoPass.Recovery.Server.Boundary;

/// <summary>
/// Holds a text body back until it is complete, masks it (<see cref="ApiRedactor"/>) and only then
/// sends it, so a secret can never be split across two writes and slip through. An event stream
/// is masked and sent at each flush instead: each of its events is written whole, then flushed.
/// Anything else (the console's files, compressed bodies) passes straight through.
/// </summary>
public sealed class MaskingResponseStream(HttpResponse response, Stream inner) : Stream
{
    private enum Mode { Undecided, Buffered, Streamed, PassThrough }

    /// <summary>Media types this API answers with text in; the only bodies a secret can be read in.</summary>
    private static readonly string[] TextTypes = ["application/json", "application/problem+json", "text/plain", "text/markdown", "text/csv", "text/event-stream"];

    private readonly MemoryStream _held = new();
    private Mode _mode;

    public override bool CanRead => false;
    public override bool CanWrite => true;
    // Seekable while held back, so the exception handler can discard what a failed handler began to write.
    public override bool CanSeek => _mode != Mode.PassThrough;
    public override long Length => _held.Length;

    public override long Position
    {
        get => _held.Position;
        set => throw new NotSupportedException();
    }

    public override void SetLength(long value)
    {
        if (_mode == Mode.PassThrough || value != 0) throw new NotSupportedException("a response body can only be discarded whole, before it is sent");
        _held.SetLength(0);
    }

    public override async Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        await WriteAsync(buffer.AsMemory(offset, count), cancellationToken);

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (Decide() == Mode.PassThrough) await inner.WriteAsync(buffer, cancellationToken);
        else _held.Write(buffer.Span);
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        if (Decide() == Mode.PassThrough) inner.Write(buffer, offset, count);
        else _held.Write(buffer, offset, count);
    }

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        switch (Decide())
        {
            case Mode.PassThrough:
                await inner.FlushAsync(cancellationToken);
                break;
            case Mode.Streamed:
                await SendHeldAsync(cancellationToken);
                await inner.FlushAsync(cancellationToken);
                break;
            // Buffered: a serializer's intermediate flush must not send half a body.
        }
    }

    public override void Flush() => FlushAsync(CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>The handler is done: the held body goes out, masked, with its length.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        if (_mode == Mode.Buffered && !response.HasStarted && _held.Length > 0)
        {
            var masked = Masked();
            response.ContentLength = masked.Length;
            await inner.WriteAsync(masked, cancellationToken);
            _held.SetLength(0);
        }
        else if (_mode is Mode.Buffered or Mode.Streamed) await SendHeldAsync(cancellationToken);
    }

    private async Task SendHeldAsync(CancellationToken cancellationToken)
    {
        if (_held.Length == 0) return;
        await inner.WriteAsync(Masked(), cancellationToken);
        _held.SetLength(0);
    }

    private byte[] Masked() => Encoding.UTF8.GetBytes(ApiRedactor.Redact(Encoding.UTF8.GetString(_held.GetBuffer(), 0, (int)_held.Length)));

    /// <summary>Decided at the first write, when the handler has set the content type.</summary>
    private Mode Decide()
    {
        if (_mode != Mode.Undecided) return _mode;
        var type = response.ContentType ?? "";
        _mode = response.Headers.ContentEncoding.Count > 0 || !TextTypes.Any(t => type.StartsWith(t, StringComparison.OrdinalIgnoreCase) || type.Contains("+json", StringComparison.OrdinalIgnoreCase))
            ? Mode.PassThrough
            : type.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase) ? Mode.Streamed : Mode.Buffered;
        return _mode;
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _held.Dispose();
        base.Dispose(disposing);
    }
}
