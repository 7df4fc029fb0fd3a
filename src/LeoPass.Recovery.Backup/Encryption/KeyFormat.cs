using System.Globalization;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace LeoPass.Recovery.Backup.Encryption;

/// <summary>Key identifiers spelled the way <c>gpg</c> prints them, so an operator can compare them by eye.</summary>
public static class KeyFormat
{
    /// <summary>The 40-hex-digit v4 fingerprint, uppercase, no spaces (gpg --with-colons / --list-keys style).</summary>
    public static string Fingerprint(PgpPublicKey key) => Convert.ToHexString(key.GetFingerprint());

    /// <summary>The 16-hex-digit long key id, uppercase (gpg --keyid-format long).</summary>
    public static string KeyId(long keyId) => keyId.ToString("X16", CultureInfo.InvariantCulture);
}
