using Npgsql;

namespace LeoPass.Recovery.Backup.Wal.Streaming;

/// <summary>
/// What the stream asks of the source over an ordinary connection, as the replication role:
/// its replication slot (created reserved, advanced only past what is shipped), the current WAL
/// position, a WAL switch (needs <c>GRANT EXECUTE ON FUNCTION pg_switch_wal() TO &lt;role&gt;</c>)
/// and the WAL the slot holds back.
/// </summary>
public sealed class SourceWal(string connectionString, string slotName) : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection = new(new NpgsqlConnectionStringBuilder(connectionString)
        { Pooling = false, ApplicationName = "leopass-recovery wal-stream", KeepAlive = 10 }.ConnectionString);

    public async Task OpenAsync(CancellationToken cancellationToken) => await _connection.OpenAsync(cancellationToken);

    /// <summary>
    /// Creates the slot when it is missing, reserving WAL at once (a slot that reserves nothing keeps nothing).
    /// Returns its restart location: WAL from there on is still on the source.
    /// </summary>
    public async Task<Lsn?> EnsureSlotAsync(CancellationToken cancellationToken)
    {
        await using (var create = new NpgsqlCommand("""
            SELECT pg_create_physical_replication_slot(@slot, true)
            WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = @slot)
            """, _connection))
        {
            create.Parameters.AddWithValue("slot", slotName);
            try
            {
                await create.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateObject)
            {
                // Created by a node between the check and the create: it is there, which is all we need.
            }
        }
        await using var restart = new NpgsqlCommand("SELECT restart_lsn::text FROM pg_replication_slots WHERE slot_name = @slot", _connection);
        restart.Parameters.AddWithValue("slot", slotName);
        return Lsn.TryParse(await restart.ExecuteScalarAsync(cancellationToken) as string, out var lsn) ? lsn : null;
    }

    /// <summary>Lets the source recycle WAL before <paramref name="upTo"/>: everything before it is shipped.</summary>
    public async Task AdvanceSlotAsync(Lsn upTo, CancellationToken cancellationToken)
    {
        // Never past what the source has written: advancing beyond it is an error.
        await using var command = new NpgsqlCommand("""
            SELECT pg_replication_slot_advance(@slot, LEAST(@lsn::pg_lsn, pg_current_wal_lsn()))
            FROM pg_replication_slots WHERE slot_name = @slot AND (restart_lsn IS NULL OR restart_lsn < @lsn::pg_lsn)
            """, _connection);
        command.Parameters.AddWithValue("slot", slotName);
        command.Parameters.AddWithValue("lsn", upTo.ToString());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<Lsn> CurrentLsnAsync(CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_current_wal_lsn()::text", _connection);
        return Lsn.Parse((string)(await command.ExecuteScalarAsync(cancellationToken))!);
    }

    /// <summary>Closes the current segment so the stream receives it whole (<c>pg_switch_wal()</c>).</summary>
    public async Task SwitchAsync(CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_switch_wal()", _connection);
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            throw new BackupException($"the WAL stream may not call pg_switch_wal() on the source: {e.MessageText}. Run `GRANT EXECUTE ON FUNCTION pg_switch_wal() TO {new NpgsqlConnectionStringBuilder(_connection.ConnectionString).Username}` on the source", e) { Stage = "switch" };
        }
    }

    /// <summary>Bytes of WAL the slot keeps on the source (current position minus its restart location), or null when the slot is gone.</summary>
    public async Task<long?> RetainedBytesAsync(CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT (pg_current_wal_lsn() - restart_lsn)::bigint FROM pg_replication_slots WHERE slot_name = @slot", _connection);
        command.Parameters.AddWithValue("slot", slotName);
        return await command.ExecuteScalarAsync(cancellationToken) is long bytes ? bytes : null;
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
