using System.Globalization;
using Npgsql;
using Npgsql.Replication;

namespace LeoPass.Recovery.Backup.Wal;

/// <summary>
/// Who the WAL source is, asked over a replication connection (what the stream's role is allowed):
/// the cluster's system identifier (WAL of another cluster must never mix in), its current
/// timeline and WAL position, its server version and WAL segment size.
/// </summary>
public sealed record SourceIdentity(string SystemIdentifier, uint Timeline, Lsn CurrentLsn, string ServerVersion, long SegmentBytes)
{
    public WalSource AsWalSource => new(SystemIdentifier, ServerVersion, SegmentBytes);

    public static async Task<SourceIdentity> ReadAsync(string connectionString, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = "leopass-recovery", Pooling = false };
        await using var replication = new PhysicalReplicationConnection(builder.ConnectionString);
        try
        {
            await replication.Open(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.InvalidAuthorizationSpecification or PostgresErrorCodes.InsufficientPrivilege)
        {
            throw new BackupException(
                $"the WAL source refused a replication connection as '{builder.Username}': {e.MessageText}. Give the role REPLICATION and add a pg_hba.conf line for the `replication` database (README, Point-in-time recovery)", e) { Stage = "prepare" };
        }
        var system = await replication.IdentifySystem(cancellationToken);
        var version = await replication.Show("server_version", cancellationToken);
        var segmentSize = await replication.Show("wal_segment_size", cancellationToken);
        return new SourceIdentity(system.SystemId, system.Timeline, new Lsn((ulong)system.XLogPos), version, ParseSize(segmentSize));
    }

    /// <summary>"16MB" (SHOW's unit form) in bytes.</summary>
    public static long ParseSize(string text)
    {
        text = text.Trim();
        var units = new (string Suffix, long Factor)[] { ("GB", 1L << 30), ("MB", 1L << 20), ("kB", 1L << 10), ("B", 1) };
        foreach (var (suffix, factor) in units)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal) && long.TryParse(text[..^suffix.Length], NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return n * factor;
        }
        return long.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
    }
}
