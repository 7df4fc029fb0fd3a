namespace LeoPass.Recovery.Backup.Wal.Streaming;

/// <summary>
/// The local directory pg_receivewal writes into (one per source, under WAL_SPOOL_DIR). A
/// segment is complete once pg_receivewal renamed it from <c>.partial</c>; it stays here until it
/// is shipped, so a store that is down fills the spool, never drops a segment.
/// </summary>
public sealed class WalSpool
{
    private const string PartialSuffix = ".partial";
    private readonly long segmentBytes;

    public WalSpool(string directory, long segmentBytes)
    {
        System.IO.Directory.CreateDirectory(directory);
        Directory = directory;
        this.segmentBytes = segmentBytes;
    }

    public string Directory { get; }

    /// <summary>Complete WAL files waiting to ship, in the order they must ship: history files first, then segments by position.</summary>
    public IReadOnlyList<(WalFileName File, string Path)> Complete()
    {
        var found = new List<(WalFileName, string)>();
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory))
        {
            var name = Path.GetFileName(path);
            if (!WalFileName.TryParse(name, segmentBytes, out var file)) continue;
            if (!file!.IsHistory && new FileInfo(path).Length != segmentBytes) continue;
            found.Add((file, path));
        }
        return [.. found.OrderBy(f => f.Item1.IsHistory ? 0 : 1).ThenBy(f => f.Item1.SegmentNumber).ThenBy(f => f.Item1.Timeline)];
    }

    public int QueuedCount => Complete().Count;

    /// <summary>
    /// Readies the spool for a stream that must continue after <paramref name="newestShipped"/>:
    /// files at or before it (shipped, by this node in an earlier life or by another node since) are
    /// removed, partial ones too; when nothing newer is left, a placeholder named after the newest
    /// shipped segment makes pg_receivewal start at the segment after it (it starts after the newest
    /// complete segment it finds, and reads nothing of it). Without a shipped segment pg_receivewal
    /// starts at the source's current position.
    /// </summary>
    /// <returns>The placeholder's name, which is never shipped, or null.</returns>
    public string? PrepareToContinueAfter(WalFileName? newestShipped)
    {
        System.IO.Directory.CreateDirectory(Directory);
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory))
        {
            var name = Path.GetFileName(path);
            var partial = name.EndsWith(PartialSuffix, StringComparison.Ordinal);
            if (!WalFileName.TryParse(partial ? name[..^PartialSuffix.Length] : name, segmentBytes, out var file) || file!.IsHistory) continue;
            if (newestShipped is not null && file.Timeline <= newestShipped.Timeline && file.SegmentNumber <= newestShipped.SegmentNumber)
            {
                File.Delete(path);
            }
        }
        if (newestShipped is null || Complete().Any(f => !f.File.IsHistory) || System.IO.Directory.EnumerateFiles(Directory, "*" + PartialSuffix).Any()) return null;
        var placeholder = Path.Combine(Directory, newestShipped.Name);
        using (var stream = new FileStream(placeholder, FileMode.Create, FileAccess.Write))
        {
            stream.SetLength(segmentBytes); // sparse: takes no disk space
        }
        return newestShipped.Name;
    }
}
