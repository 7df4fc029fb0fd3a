using System.Reflection;
using Npgsql;

namespace LeoPass.Recovery.Core.Schema;

/// <summary>
/// Whether a database schema already has every migration this build knows, in one query, so a
/// process whose schema is current skips EF Core's migrator: that builds the model, compares it with
/// the migrations' snapshot and takes the history table's lock, which cost a CLI command a third of
/// its start-up when there was nothing to do.
/// </summary>
public static class SchemaCheck
{
    /// <summary>
    /// The ids of the EF Core migrations compiled into <paramref name="migrationsAssembly"/> for the
    /// context type named <paramref name="contextType"/>. Read by attribute name, so this needs no
    /// EF Core reference: the attributes are EF's [Migration("id")] and [DbContext(typeof(...))].
    /// </summary>
    public static IReadOnlyList<string> MigrationIdsOf(Assembly migrationsAssembly, Type contextType)
    {
        var ids = new List<string>();
        foreach (var type in migrationsAssembly.GetTypes())
        {
            string? id = null;
            var ofContext = false;
            foreach (var attribute in type.GetCustomAttributesData())
            {
                switch (attribute.AttributeType.FullName)
                {
                    case "Microsoft.EntityFrameworkCore.Migrations.MigrationAttribute":
                        id = attribute.ConstructorArguments[0].Value as string;
                        break;
                    case "Microsoft.EntityFrameworkCore.Infrastructure.DbContextAttribute":
                        ofContext = attribute.ConstructorArguments[0].Value as Type == contextType;
                        break;
                }
            }
            if (id is not null && ofContext) ids.Add(id);
        }
        return ids;
    }

    /// <summary>
    /// True when the history table <paramref name="schema"/>.<paramref name="historyTable"/> lists
    /// every one of <paramref name="migrationIds"/>. False when any is missing, or the table does
    /// not exist yet or has an earlier release's names (<see cref="MigrationHistory"/>): then the
    /// migrator runs and renames it.
    /// </summary>
    public static async Task<bool> IsCurrentAsync(string connectionString, string schema, string historyTable, IReadOnlyCollection<string> migrationIds, CancellationToken cancellationToken = default)
    {
        await using var db = new NpgsqlConnection(connectionString);
        await db.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT migration_id FROM \"{schema}\".\"{historyTable}\"", db);
        var applied = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) applied.Add(reader.GetString(0));
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidSchemaName or PostgresErrorCodes.UndefinedColumn)
        {
            return false;
        }
        return migrationIds.All(applied.Contains);
    }
}
