using LeoPass.Recovery.Backup.Encryption;
using LeoPass.Recovery.Core.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace LeoPass.Recovery.Backup.Tests.Encryption;

[Collection(OpenPgpKeysCollection.Name)]
public sealed class DecryptionKeysTests(OpenPgpKeysFixture keys) : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("leopass-decryption-keys");
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 27, 3, 0, 0, TimeSpan.Zero));

    public void Dispose() => _work.Delete(recursive: true);

    private string KeyFile => Path.Combine(_work.FullName, "backup-private.asc");

    private DecryptionKeys For(string? passphrase = null) =>
        new(new BackupSettings { DecryptionPrivateKeyPath = KeyFile, DecryptionPassphrase = passphrase }, _clock);

    [Fact]
    public void The_key_is_unlocked_once_for_the_start_check_and_the_download()
    {
        File.Copy(keys.Unprotected.PrivateKeyPath, KeyFile);
        using var decryptionKeys = For();

        var first = decryptionKeys.Load();
        _clock.Advance(TimeSpan.FromMinutes(9));

        Assert.Same(first, decryptionKeys.Load());
    }

    [Fact]
    public void A_replaced_key_file_is_loaded_afresh()
    {
        File.Copy(keys.Unprotected.PrivateKeyPath, KeyFile);
        using var decryptionKeys = For(OpenPgpKeysFixture.Passphrase);
        var before = decryptionKeys.Load();

        File.Copy(keys.Protected.PrivateKeyPath, KeyFile, overwrite: true);
        File.SetLastWriteTimeUtc(KeyFile, DateTime.UtcNow.AddMinutes(1));

        var after = decryptionKeys.Load();
        Assert.NotEqual(before.Fingerprint, after.Fingerprint);
        Assert.Equal(keys.Protected.Fingerprint, after.Fingerprint);
    }

    [Fact]
    public void An_unlocked_key_is_dropped_ten_minutes_after_it_was_unlocked_even_with_no_further_load()
    {
        File.Copy(keys.Unprotected.PrivateKeyPath, KeyFile);
        using var decryptionKeys = For();
        var first = decryptionKeys.Load();
        Assert.True(decryptionKeys.HoldsKey);

        _clock.Advance(DecryptionKeys.KeptFor);

        Assert.False(decryptionKeys.HoldsKey);
        Assert.NotSame(first, decryptionKeys.Load());
    }

    [Fact]
    public void A_key_that_fails_to_load_fails_every_time_and_a_fixed_one_then_loads()
    {
        File.Copy(keys.Protected.PrivateKeyPath, KeyFile);
        using var decryptionKeys = For(passphrase: "wrong");

        Assert.Throws<DecryptionKeyException>(decryptionKeys.Load);
        Assert.Throws<DecryptionKeyException>(decryptionKeys.Load);

        File.Copy(keys.Unprotected.PrivateKeyPath, KeyFile, overwrite: true);
        File.SetLastWriteTimeUtc(KeyFile, DateTime.UtcNow.AddMinutes(1));
        Assert.Equal(keys.Unprotected.Fingerprint, decryptionKeys.Load().Fingerprint);
    }
}
