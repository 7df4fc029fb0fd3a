using Org.BouncyCastle.Bcpg.OpenPgp;

namespace LeoPass.Recovery.Backup.Encryption;

/// <summary>
/// Reads the OpenPGP objects (key rings) in a key file, armoured or binary. Every failure is
/// reported through <paramref name="refuse"/> with a reason a person can act on, never as a raw
/// BouncyCastle message.
/// </summary>
internal static class KeyFileReader
{
    // Real key files are a few KiB; a larger file is almost certainly a backup or a dump given by mistake.
    private const long MaximumKeyFileBytes = 1 << 20;

    public static IReadOnlyList<object> ReadObjects(string path, Func<string, Exception?, Exception> refuse)
    {
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (Directory.Exists(path)) throw refuse("it is a directory, not a key file", null);
            if (!info.Exists) throw refuse("the file does not exist", null);
            if (info.Length == 0) throw refuse("the file is empty", null);
            if (info.Length > MaximumKeyFileBytes)
                throw refuse($"the file is {info.Length} bytes, far larger than any key file; is it the right path?", null);
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw refuse($"the file cannot be read ({e.Message})", e);
        }

        var objects = new List<object>();
        try
        {
            using var decoded = PgpUtilities.GetDecoderStream(new MemoryStream(bytes, writable: false));
            var factory = new PgpObjectFactory(decoded);
            while (factory.NextPgpObject() is { } item) objects.Add(item);
        }
        // Garbage input surfaces as many exception types inside BouncyCastle; all mean "not a key".
        catch (Exception e)
        {
            throw refuse("the file is not an OpenPGP key (expected an ASCII-armoured '-----BEGIN PGP ... KEY BLOCK-----')", e);
        }

        if (objects.Count == 0)
            throw refuse("the file is not an OpenPGP key (expected an ASCII-armoured '-----BEGIN PGP ... KEY BLOCK-----')", null);
        return objects;
    }
}
