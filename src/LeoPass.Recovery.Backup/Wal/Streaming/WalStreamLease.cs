using Npgsql;

namespace LeoPass.Recovery.Backup.Wal.Streaming;

/// <summary>
/// Which node streams a source: a session advisory lock in the orchestrator's database, one per
/// WAL source, held on a connection of its own. It ends with that connection — a node killed by
/// <c>kill -9</c> loses it the moment the kernel closes its socket — so another node's next try
/// takes over; the slot keeps the source's WAL meanwhile.
/// </summary>
public sealed class WalStreamLease : IAsyncDisposable
{
    // The first key of the two-key form: "LPWS" (LeoPass WAL stream), apart from the engine's run locks ("LPRN").
    private const int Namespace = 0x4C505753;

    private readonly NpgsqlConnection _connection;

    private WalStreamLease(NpgsqlConnection connection) => _connection = connection;

    /// <summary>Takes the lease for <paramref name="source"/> if no node holds it; null when one does.</summary>
    public static async Task<WalStreamLease?> TryAcquireAsync(string recoveryDatabase, string source, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(recoveryDatabase)
        {
            Pooling = false,
            ApplicationName = "leopass-recovery wal-stream lease",
            // A network partition must end the session (and the lease) on the server's side too.
            KeepAlive = 5,
            TcpKeepAlive = true,
        };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(@namespace, hashtext(@source))", connection);
            command.Parameters.AddWithValue("namespace", Namespace);
            command.Parameters.AddWithValue("source", source);
            if ((bool)(await command.ExecuteScalarAsync(cancellationToken))!) return new WalStreamLease(connection);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
        await connection.DisposeAsync();
        return null;
    }

    /// <summary>Whether the lease is still held: its connection answers. False means another node may stream now: stop.</summary>
    public async Task<bool> IsHeldAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var command = new NpgsqlCommand("SELECT 1", _connection) { CommandTimeout = 10 };
            await command.ExecuteScalarAsync(cancellationToken);
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return false;
        }
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
