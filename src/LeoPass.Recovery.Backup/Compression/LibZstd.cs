using System.Runtime.InteropServices;

namespace LeoPass.Recovery.Backup.Compression;

/// <summary>
/// The system's libzstd, for decompression only: a restore's read pass is bound by decompression,
/// and the C library needs about a fifth less CPU for it than ZstdSharp (docs/benchmarks.md).
/// Debian and Ubuntu always have it (dpkg itself depends on libzstd1); where it cannot be loaded,
/// <see cref="CompressionStreams"/> falls back to ZstdSharp, which reads the same frames.
/// </summary>
internal static unsafe partial class LibZstd
{
    private const string Library = "libzstd.so.1";

    // 1.4.0 made the streaming API used here stable.
    private const uint OldestVersion = 10_400;

    private static readonly Lazy<bool> Loadable = new(() =>
    {
        try
        {
            return ZSTD_versionNumber() >= OldestVersion;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return false;
        }
    });

    /// <summary>True when libzstd (1.4 or later) is there to be used.</summary>
    public static bool IsAvailable => (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) && Loadable.Value;

    [StructLayout(LayoutKind.Sequential)]
    internal struct InBuffer
    {
        public byte* Source;
        public nuint Size;
        public nuint Position;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct OutBuffer
    {
        public byte* Destination;
        public nuint Size;
        public nuint Position;
    }

    [LibraryImport(Library)]
    private static partial uint ZSTD_versionNumber();

    [LibraryImport(Library)]
    internal static partial nint ZSTD_createDStream();

    [LibraryImport(Library)]
    internal static partial nuint ZSTD_freeDStream(nint stream);

    /// <returns>0 when a frame is complete, an error code, or a hint of how much input to give next.</returns>
    [LibraryImport(Library)]
    internal static partial nuint ZSTD_decompressStream(nint stream, OutBuffer* output, InBuffer* input);

    [LibraryImport(Library)]
    internal static partial uint ZSTD_isError(nuint code);

    [LibraryImport(Library)]
    private static partial byte* ZSTD_getErrorName(nuint code);

    public static string ErrorName(nuint code) => Marshal.PtrToStringUTF8((nint)ZSTD_getErrorName(code)) ?? $"error {code}";
}
