
namespace LeoPass.Recovery.Backup.Encryption;

/// <summary>
/// The configured private key (BACKUP_DECRYPTION_PRIVATE_KEY), unlocked once and reused for a few
/// minutes. Unlocking an RSA key costs ~90 ms here, because BouncyCastle proves the modulus
/// composite with Miller–Rabin rounds every time, and a restore needs the key twice within
/// seconds: the start check, then the download step, whose time is the drill's measure.
/// </summary>
/// <remarks>
/// A changed key file (another size or modification time) is loaded afresh, and the unlocked key
/// is dropped <see cref="KeptFor"/> after it was unlocked, so a long-running server does not keep it
/// in memory between restores. Failures are never cached: each attempt reports the key's problem.
/// </remarks>
public sealed class DecryptionKeys(BackupSettings settings, TimeProvider time) : IDisposable
{
    public static readonly TimeSpan KeptFor = TimeSpan.FromMinutes(10);

    private readonly Lock _lock = new();
    private (string FileVersion, OpenPgpDecryptor Decryptor)? _cached;
    private ITimer? _expiry;

    /// <summary>True while an unlocked key is kept.</summary>
    internal bool HoldsKey
    {
        get
        {
            lock (_lock) return _cached is not null;
        }
    }

    /// <exception cref="DecryptionKeyException">The key cannot be read or unlocked (the message says why).</exception>
    /// <exception cref="ConfigurationException">No private key is configured.</exception>
    public OpenPgpDecryptor Load()
    {
        var path = settings.RequirePrivateKey();
        var version = FileVersion(path);
        lock (_lock)
        {
            if (_cached is { } cached && cached.FileVersion == version) return cached.Decryptor;
            Forget();
        }
        var decryptor = OpenPgpDecryptor.Load(path, settings.DecryptionPassphrase);
        lock (_lock)
        {
            Forget();
            _cached = (version, decryptor);
            _expiry = time.CreateTimer(_ =>
            {
                lock (_lock) Forget();
            }, null, KeptFor, Timeout.InfiniteTimeSpan);
        }
        return decryptor;
    }

    // Callers hold _lock.
    private void Forget()
    {
        _cached = null;
        _expiry?.Dispose();
        _expiry = null;
    }

    public void Dispose()
    {
        lock (_lock) Forget();
    }

    private static string FileVersion(string path)
    {
        var file = new FileInfo(path);
        return file.Exists ? $"{file.FullName}|{file.Length}|{file.LastWriteTimeUtc.Ticks}" : $"{file.FullName}|missing";
    }
}
