using Org.BouncyCastle.Bcpg.OpenPgp;

namespace LeoPass.Recovery.Backup.Encryption;

/// <summary>
/// Reads the OpenPGP objects (key rings) in a key file, armoured or binary. Every failure is
/// reported through the <c>refuse</c> callback with a reason a person can act on, never as a raw
/// BouncyCastle message.
/// </summary>
internal static class KeyFileReader
{
    // Real key files are a few KiB; a larger file is almost certainly a backup or a dump given by mistake.
    private const long MaximumKeyFileBytes = 1 << 20;

    private const string NotAKey = "the file is not an OpenPGP key (expected an ASCII-armoured '-----BEGIN PGP ... KEY BLOCK-----')";

    private static readonly byte[] ArmourStart = Encoding.ASCII.GetBytes("-----BEGIN PGP ");

    public static IReadOnlyList<object> ReadObjects(string path, Func<string, Exception?, Exception> refuse)
    {
        var bytes = ReadFile(path, refuse);
        var objects = new List<object>();
        try
        {
            // BouncyCastle's armour reader stops at the first END line, so each armoured block is
            // read on its own: a file with two keys must be seen as two keys, not silently as one.
            foreach (var block in ArmouredBlocks(bytes))
            {
                using var decoded = PgpUtilities.GetDecoderStream(new MemoryStream(bytes, block.Start, block.Length, writable: false));
                var factory = new PgpObjectFactory(decoded);
                while (factory.NextPgpObject() is { } item) objects.Add(item);
            }
        }
        // Garbage input surfaces as many exception types inside BouncyCastle; all mean "not a key".
        catch (Exception e)
        {
            throw refuse(NotAKey, e);
        }

        if (objects.Count == 0) throw refuse(NotAKey, null);
        return objects;
    }

    private static byte[] ReadFile(string path, Func<string, Exception?, Exception> refuse)
    {
        try
        {
            var info = new FileInfo(path);
            if (Directory.Exists(path)) throw refuse("it is a directory, not a key file", null);
            if (!info.Exists) throw refuse("the file does not exist", null);
            if (info.Length == 0) throw refuse("the file is empty", null);
            if (info.Length > MaximumKeyFileBytes)
                throw refuse($"the file is {info.Length} bytes, far larger than any key file; is it the right path?", null);
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw refuse($"the file cannot be read ({e.Message})", e);
        }
    }

    private static IEnumerable<(int Start, int Length)> ArmouredBlocks(byte[] bytes)
    {
        var starts = new List<int>();
        for (var at = bytes.AsSpan().IndexOf(ArmourStart); at >= 0;)
        {
            starts.Add(at);
            var next = bytes.AsSpan(at + 1).IndexOf(ArmourStart);
            at = next < 0 ? -1 : at + 1 + next;
        }
        if (starts.Count == 0) return [(0, bytes.Length)]; // binary (or garbage: the parser decides)
        return starts.Select((start, i) => (start, (i + 1 < starts.Count ? starts[i + 1] : bytes.Length) - start));
    }
}
