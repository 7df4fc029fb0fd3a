using LeoPass.Recovery.Backup.Artefacts;

namespace LeoPass.Recovery.TestSupport;

/// <summary>
/// Manifests of backups taken at a chosen time, for tests that need the catalogue to hold one
/// (an age to measure) without making a real backup: the catalogue records what a manifest says.
/// </summary>
public static class CatalogueSamples
{
    public static BackupManifest Manifest(DateTimeOffset snapshotAt, string database = "leopass", long storedBytes = 4_200_000, long dumpBytes = 12_600_000,
        TimeSpan? dumpDuration = null, DateTimeOffset? completedAt = null)
    {
        var ended = snapshotAt + (dumpDuration ?? TimeSpan.FromMinutes(3));
        return new BackupManifest
        {
            Key = $"leopass-{snapshotAt.UtcDateTime:yyyy-MM-dd'T'HHmmss'Z'}-{Guid.NewGuid().ToString("N")[..8]}.dump.zst.pgp",
            CreatedAt = completedAt ?? ended + TimeSpan.FromSeconds(20),
            Database = new ManifestDatabase(database, "15.8", "15.8"),
            Snapshot = new ManifestSnapshot(snapshotAt, ended, null),
            Sizes = new ManifestSizes(dumpBytes, storedBytes - 1000, storedBytes),
            Sha256 = new string('a', 64),
            Upload = new ManifestUpload(null, "md5-per-part", 1, "test"),
            Compression = "zstd",
            Encryption = new ManifestEncryption("openpgp", "0000 0000 0000 0000 0000  0000 0000 0000 0000 0000", "aes256", true),
            Tables = [new ManifestTable("public", "users", 3)],
            Producer = new ManifestProducer("leopass-recovery", "test", "test"),
        };
    }
}
