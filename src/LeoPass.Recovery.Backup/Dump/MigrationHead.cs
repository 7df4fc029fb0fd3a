using LeoPass.Recovery.Backup.Artefacts;
using Npgsql;

namespace LeoPass.Recovery.Backup.Dump;

/// <summary>The application's schema version as Prisma records it: the newest finished, not rolled back row of <c>_prisma_migrations</c>.</summary>
public static class MigrationHead
{
    /// <returns>Null when the database has no <c>_prisma_migrations</c> table or no finished migration.</returns>
    public static async Task<ManifestMigration?> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
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
}
