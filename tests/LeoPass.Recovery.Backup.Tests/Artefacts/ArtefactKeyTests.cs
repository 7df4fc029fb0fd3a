using LeoPass.Recovery.Backup.Artefacts;
using LeoPass.Recovery.Core.Configuration;

namespace LeoPass.Recovery.Backup.Tests.Artefacts;

public class ArtefactKeyTests
{
    [Theory]
    [InlineData(CompressionKind.Zstd, "leopass-2026-11-27T020000Z-3f9a1c07.dump.zst.pgp")]
    [InlineData(CompressionKind.Gzip, "leopass-2026-11-27T020000Z-3f9a1c07.dump.gz.pgp")]
    [InlineData(CompressionKind.None, "leopass-2026-11-27T020000Z-3f9a1c07.dump.pgp")]
    public void Key_names_the_utc_time_the_backup_id_and_every_layer(CompressionKind compression, string expected)
    {
        var time = new DateTimeOffset(2026, 11, 27, 3, 0, 0, TimeSpan.FromHours(1));
        Assert.Equal(expected, ArtefactKey.For(time, compression, "3f9a1c07"));
        Assert.Equal(time, ArtefactKey.TimeOf(expected));
        Assert.True(ArtefactKey.IsArtefact(expected));
    }

    [Fact]
    public void Two_backups_started_in_the_same_second_get_different_keys_that_sort_by_time()
    {
        var second = new DateTimeOffset(2026, 11, 27, 2, 0, 0, TimeSpan.Zero);
        var keys = Enumerable.Range(0, 1000).Select(_ => ArtefactKey.For(second, CompressionKind.Zstd)).ToList();
        var later = ArtefactKey.For(second.AddSeconds(1), CompressionKind.Zstd);

        Assert.Equal(keys.Count, keys.Distinct(StringComparer.Ordinal).Count());
        Assert.All(keys, k => Assert.Matches(@"^leopass-2026-11-27T020000Z-[0-9a-f]{8}\.dump\.zst\.pgp$", k));
        Assert.All(keys, k => Assert.True(string.CompareOrdinal(k, later) < 0, $"{k} should sort before {later}"));
    }

    [Theory]
    [InlineData("leopass-2026-11-27T020000Z.dump.zst.pgp")]
    [InlineData("leopass-2026-11-27T020000Z.dump.gz.pgp")]
    [InlineData("leopass-2026-11-27T020000Z.dump.pgp")]
    public void Keys_from_before_the_backup_id_still_parse(string key)
    {
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 2, 0, 0, TimeSpan.Zero), ArtefactKey.TimeOf(key));
        Assert.True(ArtefactKey.IsArtefact(key));
        Assert.Equal(key, ArtefactKey.ArtefactOfManifest(ArtefactKey.ManifestOf(key)));
    }

    [Fact]
    public void Manifest_and_signature_keys_round_trip_and_are_not_artefacts()
    {
        const string key = "leopass-2026-11-27T020000Z-3f9a1c07.dump.zst.pgp";
        Assert.True(ArtefactKey.IsManifest(ArtefactKey.ManifestOf(key)));
        Assert.Equal(key, ArtefactKey.ArtefactOfManifest(ArtefactKey.ManifestOf(key)));
        Assert.Equal(key + ".manifest.json.sig", ArtefactKey.SignatureOf(key));
        Assert.True(ArtefactKey.IsSignature(ArtefactKey.SignatureOf(key)));
        Assert.False(ArtefactKey.IsManifest(key));
        Assert.False(ArtefactKey.IsArtefact(ArtefactKey.ManifestOf(key)));
        Assert.False(ArtefactKey.IsArtefact(ArtefactKey.SignatureOf(key)));
        Assert.Null(ArtefactKey.TimeOf("someone-elses-object.tar"));
        Assert.False(ArtefactKey.IsArtefact("someone-elses-object.tar"));
    }

    [Theory]
    [InlineData("3F9A1C07")]
    [InlineData("3f9a1c0")]
    [InlineData("../x")]
    public void A_backup_id_that_is_not_eight_lowercase_hex_digits_is_refused(string id) =>
        Assert.Throws<ArgumentException>(() => ArtefactKey.For(DateTimeOffset.UnixEpoch, CompressionKind.Zstd, id));
}
