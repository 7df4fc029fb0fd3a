using Npgsql;

namespace LeoPass.Recovery.Core.Schema;

/// <summary>
/// The one name of EF Core's migrations history table, in each DbContext's own schema
/// (<c>engine</c>, <c>catalogue</c>, <c>access</c>), with snake_case columns like every other table.
/// Databases from before it kept the history as <c>catalogue.__migrations</c> and
/// <c>access.__migrations</c>, and the engine's with the columns <c>"MigrationId"</c> and
/// <c>"ProductVersion"</c>; <see cref="AdoptEarlierNamesAsync"/> renames those in place.
/// </summary>
public static class MigrationHistory
{
    public const string Table = "__ef_migrations_history";

    private const string EarlierTable = "__migrations";

    /// <summary>
    /// Renames an earlier release's history table and columns to today's, in one transaction, so
    /// EF's migrator finds the migrations already applied instead of creating every table again.
    /// Runs before the migrator, under <see cref="Database.MigrationLock"/>; does nothing on a
    /// database that is new or already renamed.
    /// </summary>
    public static async Task AdoptEarlierNamesAsync(NpgsqlConnection connection, string schema, CancellationToken cancellationToken)
    {
        // DO blocks take no parameters; the schema is one of the product's constants, never input.
        var sql = $"""
            DO $$
            BEGIN
              IF to_regclass('"{schema}"."{EarlierTable}"') IS NOT NULL AND to_regclass('"{schema}"."{Table}"') IS NULL THEN
                ALTER TABLE "{schema}"."{EarlierTable}" RENAME TO "{Table}";
                ALTER TABLE "{schema}"."{Table}" RENAME CONSTRAINT "pk_{EarlierTable}" TO "pk_{Table}";
              END IF;
              IF EXISTS (SELECT 1 FROM information_schema.columns
                         WHERE table_schema = '{schema}' AND table_name = '{Table}' AND column_name = 'MigrationId') THEN
                ALTER TABLE "{schema}"."{Table}" RENAME COLUMN "MigrationId" TO migration_id;
                ALTER TABLE "{schema}"."{Table}" RENAME COLUMN "ProductVersion" TO product_version;
                ALTER TABLE "{schema}"."{Table}" RENAME CONSTRAINT "PK_{Table}" TO "pk_{Table}";
              END IF;
            END $$;
            """;
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
