using LeoPass.Recovery.Backup.Artefacts;
using LeoPass.Recovery.Core.Configuration;

namespace LeoPass.Recovery.Backup.Tests.Artefacts;

public class ArtefactKeyTests
{
    [Theory]
    [InlineData(CompressionKind.Zstd, "leopass-2026-11-27T020000Z.dump.zst.pgp")]
    [InlineData(CompressionKind.Gzip, "leopass-2026-11-27T020000Z.dump.gz.pgp")]
    [InlineData(CompressionKind.None, "leopass-2026-11-27T020000Z.dump.pgp")]
    public void Key_names_the_utc_time_and_every_layer(CompressionKind compression, string expected)
    {
        var time = new DateTimeOffset(2026, 11, 27, 3, 0, 0, TimeSpan.FromHours(1));
        Assert.Equal(expected, ArtefactKey.For(time, compression));
        Assert.Equal(time, ArtefactKey.TimeOf(expected));
    }

    [Fact]
    public void Manifest_key_round_trips()
    {
        const string key = "leopass-2026-11-27T020000Z.dump.zst.pgp";
        Assert.True(ArtefactKey.IsManifest(ArtefactKey.ManifestOf(key)));
        Assert.Equal(key, ArtefactKey.ArtefactOfManifest(ArtefactKey.ManifestOf(key)));
        Assert.False(ArtefactKey.IsManifest(key));
        Assert.Null(ArtefactKey.TimeOf("someone-elses-object.tar"));
    }
}
