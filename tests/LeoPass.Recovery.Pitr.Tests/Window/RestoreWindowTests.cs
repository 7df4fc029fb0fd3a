using LeoPass.Recovery.Backup;
using LeoPass.Recovery.Backup.Artefacts;
using LeoPass.Recovery.Backup.BaseBackups;
using LeoPass.Recovery.Backup.Catalogue;
using LeoPass.Recovery.Backup.Pitr;
using LeoPass.Recovery.Backup.Wal;

namespace LeoPass.Recovery.Pitr.Tests.Window;

/// <summary>The window's rules on catalogue rows, without a database.</summary>
public sealed class RestoreWindowTests
{
    private const long Segment = 16L << 20;
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_window_runs_from_the_earliest_restorable_base_backups_end_to_the_newest_shipped_segment()
    {
        var segments = Enumerable.Range(2, 10).Select(n => Wal(n)).ToList();
        var bases = new[] { Base(3, 4, minutes: 30), Base(7, 7, minutes: 70) };
        var window = RestoreWindowQuery.Compute(segments, bases, null, T0.AddMinutes(120));
        Assert.Equal(T0.AddMinutes(31), window.From);
        Assert.Equal(T0.AddMinutes(110), window.To);
        Assert.Equal(TimeSpan.FromMinutes(10), window.NewestShippedAge);
        Assert.Empty(window.Gaps);
        Assert.Equal("restore to any second from 2026-12-01 00:31:00Z to 2026-12-01 01:50:00Z", window.Describe());
    }

    [Fact]
    public void A_gap_in_the_shipped_segments_moves_the_start_past_it_and_is_named()
    {
        var segments = Enumerable.Range(2, 10).Where(n => n != 5).Select(n => Wal(n)).ToList();
        var bases = new[] { Base(3, 4, minutes: 30), Base(7, 7, minutes: 70) };
        var window = RestoreWindowQuery.Compute(segments, bases, null, T0.AddMinutes(120));
        Assert.Equal(["000000010000000000000005"], window.Gaps);
        Assert.Equal(T0.AddMinutes(71), window.From);
    }

    [Fact]
    public void A_plan_takes_the_newest_base_backup_ending_before_the_target_and_refuses_targets_outside_the_window_naming_it()
    {
        var segments = Enumerable.Range(2, 10).Select(n => Wal(n)).ToList();
        var bases = new[] { Base(3, 4, minutes: 30), Base(7, 7, minutes: 70) };
        var window = RestoreWindowQuery.Compute(segments, bases, null, T0.AddMinutes(120));
        var plan = PitrPlan.For(new PitrTarget(T0.AddMinutes(60), null), window, bases, segments, []);
        Assert.Equal(bases[0].Key, plan.Base.Key);
        Assert.Equal(3, plan.Segments[0].SegmentNumber);
        Assert.Equal(bases[1].Key, PitrPlan.For(PitrTarget.Latest, window, bases, segments, []).Base.Key);

        var early = Assert.Throws<BackupException>(() => PitrPlan.For(new PitrTarget(T0.AddMinutes(10), null), window, bases, segments, []));
        Assert.Contains("before the earliest point a base backup can reach; restore to any second from 2026-12-01 00:31:00Z", early.Message, StringComparison.Ordinal);
        var late = Assert.Throws<BackupException>(() => PitrPlan.For(new PitrTarget(T0.AddMinutes(115), null), window, bases, segments, []));
        Assert.Contains("after the newest shipped WAL", late.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("latest", true)]
    [InlineData("2026-12-07T14:03:05Z", false)]
    [InlineData("lsn:0/3000060", false)]
    public void Targets_parse(string text, bool latest) => Assert.Equal(latest, PitrTarget.Parse(text).IsLatest);

    [Fact]
    public void A_target_that_is_none_of_the_forms_is_refused_saying_which_forms_exist() =>
        Assert.Contains("is not `latest`, a time", Assert.Throws<FormatException>(() => PitrTarget.Parse("yesterday")).Message, StringComparison.Ordinal);

    [Fact]
    public void Segment_names_and_locations_agree_with_PostgreSQL()
    {
        var file = WalFileName.Parse("0000000100000002000000FF", Segment);
        Assert.Equal(0x2FFUL, file.SegmentNumber);
        Assert.Equal("2/FF000000", file.StartLsn(Segment).ToString());
        Assert.Equal("000000010000000300000000", file.Next(Segment).Name);
        Assert.Equal("000000010000000000000003", WalFileName.SegmentOf(1, Lsn.Parse("0/3000060"), Segment).Name);
        Assert.True(WalFileName.Parse("00000002.history", Segment).IsHistory);
    }

    private static WalSegmentEntry Wal(int number) => new()
    {
        Key = $"leopass-wal/00000001/{WalFileName.Segment(1, (ulong)number, Segment).Name}-0000000{number % 10}.zst.pgp",
        FileName = WalFileName.Segment(1, (ulong)number, Segment).Name,
        Timeline = 1, SegmentNumber = number, StartLsn = number * Segment, EndLsn = (number + 1) * Segment,
        CompletedAt = T0.AddMinutes(number * 10), ShippedAt = T0.AddMinutes(number * 10), StoredBytes = 1, Sha256 = "", SystemIdentifier = "1",
        ManifestJson = new WalSegmentManifest
        {
            Key = "k", CreatedAt = T0, Source = new WalSource("1", "15.1", Segment),
            Segment = new WalSegmentInfo(WalFileName.Segment(1, (ulong)number, Segment).Name, 1, null, null, T0), Sizes = new WalSizes(1, 1, 1), Sha256 = "", PlainSha256 = "",
            Upload = new ManifestUpload(null, "x", 1, "x"), Compression = "zstd", Encryption = new ManifestEncryption("openpgp", "f", "AES-256", true), Producer = new ManifestProducer("t", "1", "h"),
        }.ToJson(),
    };

    private static BaseBackupEntry Base(int startSegment, int endSegment, int minutes) => new()
    {
        Key = $"leopass-base/base-{minutes}", StartedAt = T0.AddMinutes(minutes), EndedAt = T0.AddMinutes(minutes + 1),
        StartLsn = startSegment * Segment + 40, EndLsn = endSegment * Segment + 256, Timeline = 1,
        StartSegment = WalFileName.Segment(1, (ulong)startSegment, Segment).Name, EndSegment = WalFileName.Segment(1, (ulong)endSegment, Segment).Name,
        StoredBytes = 1, TarBytes = 1, Sha256 = "", SystemIdentifier = "1",
        ManifestJson = new BaseBackupManifest
        {
            Key = "k", CreatedAt = T0, Source = new BaseBackupSource("app", "1", "15.1", "pg_basebackup 15", Segment),
            Backup = new BaseBackupRange(T0, T0, "0/0", "0/0", 1, "", ""), Sizes = new BaseBackupSizes(1, 1, 1), Sha256 = "",
            Upload = new ManifestUpload(null, "x", 1, "x"), Compression = "zstd", Encryption = new ManifestEncryption("openpgp", "f", "AES-256", true), Producer = new ManifestProducer("t", "1", "h"),
        }.ToJson(),
    };
}
