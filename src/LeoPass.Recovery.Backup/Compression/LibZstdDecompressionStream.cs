using LeoPass.Recovery.Backup.Streams;
using Microsoft.Win32.SafeHandles;

namespace LeoPass.Recovery.Backup.Compression;

/// <summary>
/// A read stream of the data decompressed by libzstd from <c>inner</c>: one or more standard zstd
/// frames, each with its content checksum checked when it carries one (ours always do). A stream that ends in the middle of a frame
/// throws instead of reading as shorter data.
/// </summary>
internal sealed unsafe class LibZstdDecompressionStream : ReadOnlyStream
{
    private readonly Stream _inner;
    private readonly bool _leaveOpen;
    private readonly DecompressionContext _context;
    private readonly byte[] _input = GC.AllocateUninitializedArray<byte>(1 << 17, pinned: true);
    private int _inputLength;
    private int _inputPosition;
    private bool _innerEnded;
    private bool _insideFrame;
    private bool _sawInput;

    public LibZstdDecompressionStream(Stream inner, bool leaveOpen)
    {
        _inner = inner;
        _leaveOpen = leaveOpen;
        _context = DecompressionContext.Create();
    }

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_context.IsClosed, this);
        if (buffer.IsEmpty) return 0;
        while (true)
        {
            if (_inputPosition == _inputLength && !_innerEnded)
            {
                _inputLength = _inner.Read(_input);
                _inputPosition = 0;
                _innerEnded = _inputLength == 0;
                _sawInput |= _inputLength > 0;
            }
            var produced = Decompress(buffer);
            if (produced > 0) return produced;
            if (_innerEnded && _inputPosition == _inputLength)
            {
                if (_insideFrame) throw new InvalidDataException("zstd: the compressed data ends in the middle of a frame (truncated)");
                if (!_sawInput) throw new InvalidDataException("zstd: the compressed data is empty (not even one frame)");
                return 0;
            }
        }
    }

    private int Decompress(Span<byte> destination)
    {
        fixed (byte* output = destination)
        fixed (byte* input = _input)
        {
            var outBuffer = new LibZstd.OutBuffer { Destination = output, Size = (nuint)destination.Length };
            var inBuffer = new LibZstd.InBuffer { Source = input, Size = (nuint)_inputLength, Position = (nuint)_inputPosition };
            var result = LibZstd.ZSTD_decompressStream(_context.Pointer, &outBuffer, &inBuffer);
            if (LibZstd.ZSTD_isError(result) != 0) throw new InvalidDataException($"zstd: {LibZstd.ErrorName(result)}");
            if (inBuffer.Position > (nuint)_inputPosition || outBuffer.Position > 0) _insideFrame = result != 0;
            _inputPosition = (int)inBuffer.Position;
            return (int)outBuffer.Position;
        }
    }

    public override int ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        return Read(one) == 0 ? -1 : one[0];
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _context.Dispose();
            if (!_leaveOpen) _inner.Dispose();
        }
        base.Dispose(disposing);
    }

    /// <summary>libzstd's decompression context, freed exactly once.</summary>
    private sealed class DecompressionContext : SafeHandleZeroOrMinusOneIsInvalid
    {
        private DecompressionContext() : base(ownsHandle: true) { }

        public nint Pointer => handle;

        public static DecompressionContext Create()
        {
            var context = new DecompressionContext();
            context.SetHandle(LibZstd.ZSTD_createDStream());
            if (context.IsInvalid) throw new InvalidOperationException("libzstd could not create a decompression context (out of memory?)");
            return context;
        }

        protected override bool ReleaseHandle()
        {
            LibZstd.ZSTD_freeDStream(handle);
            return true;
        }
    }
}
