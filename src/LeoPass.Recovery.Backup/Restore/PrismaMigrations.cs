using Npgsql;

namespace LeoPass.Recovery.Backup.Restore;

/// <summary>
/// The migration head of a LeoPass database: its newest finished, not rolled back Prisma migration.
/// The backup records it in the manifest; a restore verification reads it again from the restored
/// database, so a dump of another schema version cannot pass for this one.
/// </summary>
public static class PrismaMigrations
{
    /// <summary>The newest finished Prisma migration, or null when the database has no <c>_prisma_migrations</c> table.</summary>
    public static async Task<ManifestMigration?> LatestAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var exists = new NpgsqlCommand("SELECT to_regclass('_prisma_migrations') IS NOT NULL", connection, transaction);
        if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken))!) return null;
        await using var latest = new NpgsqlCommand("""
            SELECT migration_name, finished_at FROM _prisma_migrations
            WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY finished_at DESC, migration_name DESC LIMIT 1
            """, connection, transaction);
        await using var reader = await latest.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return new ManifestMigration(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1));
    }

    /// <summary>Null when the restored database's head is the manifest's (both none counts as equal); otherwise what differs.</summary>
    public static async Task<string?> DifferenceAsync(string connectionString, ManifestMigration? expected, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        var actual = await LatestAsync(connection, null, cancellationToken);
        if (actual?.Name == expected?.Name) return null;
        return $"the migration head is {actual?.Name ?? "none (no _prisma_migrations)"}, the manifest says {expected?.Name ?? "none"}";
    }
}
