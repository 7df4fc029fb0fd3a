using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace LeoPass.Recovery.Backup.Catalogue;

/// <summary>
/// The point-in-time half of the catalogue: shipped WAL files and base backups, each a cache of
/// its manifest in the store (rows are written only after the manifest). Same database and
/// migrations as <see cref="BackupCatalogue"/>.
/// </summary>
public sealed class PitrCatalogue(string connectionString, TimeProvider clock)
{
    private CatalogueDbContext Open() => new(CatalogueDbContext.OptionsFor(connectionString));

    /// <returns>False when this file was already catalogued from another shipment (that one stays).</returns>
    public async Task<bool> RecordSegmentAsync(WalSegmentManifest manifest, CancellationToken cancellationToken = default)
    {
        var segmentBytes = manifest.Source.SegmentBytes;
        var file = WalFileName.Parse(manifest.Segment.FileName, segmentBytes);
        await using var db = Open();
        db.WalSegments.Add(new WalSegmentEntry
        {
            Key = manifest.Key,
            FileName = file.Name,
            Timeline = (int)file.Timeline,
            SegmentNumber = (long?)file.SegmentNumber,
            StartLsn = file.IsHistory ? null : (long)file.StartLsn(segmentBytes).Value,
            EndLsn = file.IsHistory ? null : (long)file.EndLsn(segmentBytes).Value,
            CompletedAt = manifest.Segment.CompletedAt,
            ShippedAt = manifest.CreatedAt,
            StoredBytes = manifest.Sizes.StoredBytes,
            Sha256 = manifest.Sha256,
            SystemIdentifier = manifest.Source.SystemIdentifier,
            ManifestJson = manifest.ToJson(),
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return false;
        }
    }

    public async Task<WalSegmentEntry?> FindSegmentAsync(uint timeline, string fileName, CancellationToken cancellationToken = default)
    {
        await using var db = Open();
        return await db.WalSegments.AsNoTracking()
            .FirstOrDefaultAsync(s => s.Timeline == (int)timeline && s.FileName == fileName && s.PrunedAt == null, cancellationToken);
    }

    /// <summary>The newest shipped segment (of the cluster <paramref name="systemIdentifier"/>, when given): highest timeline, then highest position.</summary>
    public async Task<WalSegmentEntry?> NewestSegmentAsync(string? systemIdentifier = null, CancellationToken cancellationToken = default)
    {
        await using var db = Open();
        return await db.WalSegments.AsNoTracking()
            .Where(s => s.PrunedAt == null && s.SegmentNumber != null && (systemIdentifier == null || s.SystemIdentifier == systemIdentifier))
            .OrderByDescending(s => s.Timeline).ThenByDescending(s => s.SegmentNumber).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>Live segments (not history files) from <paramref name="fromSegment"/> on, on timelines from <paramref name="timeline"/> on, in replay order.</summary>
    public async Task<IReadOnlyList<WalSegmentEntry>> SegmentsFromAsync(uint timeline, long fromSegment, CancellationToken cancellationToken = default)
    {
        await using var db = Open();
        return await db.WalSegments.AsNoTracking()
            .Where(s => s.PrunedAt == null && s.SegmentNumber != null && s.Timeline >= (int)timeline && s.SegmentNumber >= fromSegment)
            .OrderBy(s => s.SegmentNumber).ThenBy(s => s.Timeline).ToListAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<WalSegmentEntry>> HistoryFilesAsync(CancellationToken cancellationToken = default)
    {
        await using var db = Open();
        return await db.WalSegments.AsNoTracking().Where(s => s.PrunedAt == null && s.SegmentNumber == null).OrderBy(s => s.Timeline).ToListAsync(cancellationToken);
    }

    /// <summary>Every live WAL row, oldest first (retention reads them all; a month at one segment a minute is ~45 000 small rows).</summary>
    public async Task<IReadOnlyList<WalSegmentEntry>> ListSegmentsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = Open();
        return await db.WalSegments.AsNoTracking().Where(s => s.PrunedAt == null)
            .OrderBy(s => s.SegmentNumber).ThenBy(s => s.Timeline).ToListAsync(cancellationToken);
    }

    public async Task RecordBaseBackupAsync(BaseBackupManifest manifest, CancellationToken cancellationToken = default)
    {
        await using var db = Open();
        if (await db.BaseBackups.AnyAsync(b => b.Key == manifest.Key, cancellationToken)) return;
        db.BaseBackups.Add(new BaseBackupEntry
        {
            Key = manifest.Key,
            StartedAt = manifest.Backup.StartedAt,
            EndedAt = manifest.Backup.EndedAt,
            StartLsn = (long)Lsn.Parse(manifest.Backup.StartLsn).Value,
            EndLsn = (long)Lsn.Parse(manifest.Backup.EndLsn).Value,
            Timeline = (int)manifest.Backup.Timeline,
            StartSegment = manifest.Backup.StartSegment,
            EndSegment = manifest.Backup.EndSegment,
            StoredBytes = manifest.Sizes.StoredBytes,
            TarBytes = manifest.Sizes.TarBytes,
            Sha256 = manifest.Sha256,
            SystemIdentifier = manifest.Source.SystemIdentifier,
            ManifestJson = manifest.ToJson(),
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Base backups not pruned, oldest first.</summary>
    public async Task<IReadOnlyList<BaseBackupEntry>> ListBaseBackupsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = Open();
        return await db.BaseBackups.AsNoTracking().Where(b => b.PrunedAt == null).OrderBy(b => b.StartedAt).ToListAsync(cancellationToken);
    }

    public async Task MarkBaseBackupRestoredAsync(string key, CancellationToken cancellationToken = default)
    {
        await using var db = Open();
        await db.BaseBackups.Where(b => b.Key == key).ExecuteUpdateAsync(s => s.SetProperty(b => b.LastRestoredAt, clock.GetUtcNow()), cancellationToken);
    }

    public async Task MarkBaseBackupPrunedAsync(string key, CancellationToken cancellationToken = default)
    {
        await using var db = Open();
        await db.BaseBackups.Where(b => b.Key == key).ExecuteUpdateAsync(s => s.SetProperty(b => b.PrunedAt, clock.GetUtcNow()), cancellationToken);
    }

    public async Task MarkSegmentPrunedAsync(string key, CancellationToken cancellationToken = default)
    {
        await using var db = Open();
        await db.WalSegments.Where(s => s.Key == key).ExecuteUpdateAsync(s => s.SetProperty(e => e.PrunedAt, clock.GetUtcNow()), cancellationToken);
    }

    public async Task SaveStreamStateAsync(WalStreamState state, CancellationToken cancellationToken = default)
    {
        await using var db = Open();
        var existing = await db.WalStreams.FindAsync([state.Source], cancellationToken);
        if (existing is null) db.WalStreams.Add(state);
        else db.Entry(existing).CurrentValues.SetValues(state);
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<WalStreamState?> StreamStateAsync(CancellationToken cancellationToken = default)
    {
        await using var db = Open();
        return await db.WalStreams.AsNoTracking().OrderByDescending(s => s.HeartbeatAt).FirstOrDefaultAsync(cancellationToken);
    }
}
