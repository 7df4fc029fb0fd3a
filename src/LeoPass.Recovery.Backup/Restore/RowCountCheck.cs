using LeoPass.Recovery.Backup.Dump;
using Npgsql;

namespace LeoPass.Recovery.Backup.Restore;

/// <summary>One table whose restored contents differ from the manifest.</summary>
public sealed record TableMismatch(string Schema, string Name, long Expected, long? Actual)
{
    public override string ToString() => Actual is null ? $"{Schema}.{Name} is missing" : $"{Schema}.{Name} has {Actual} rows, expected {Expected}";
}

/// <summary>Compares a restored database with the row counts the manifest recorded at snapshot time.</summary>
public static class RowCountCheck
{
    public static async Task<IReadOnlyList<TableMismatch>> CompareAsync(string connectionString, IReadOnlyList<ManifestTable> expected, CancellationToken cancellationToken)
    {
        var mismatches = new List<TableMismatch>();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        foreach (var table in expected)
        {
            await using var exists = new NpgsqlCommand("SELECT to_regclass(@name) IS NOT NULL", connection);
            exists.Parameters.AddWithValue("name", $"{SourceDatabaseSnapshot.Quote(table.Schema)}.{SourceDatabaseSnapshot.Quote(table.Name)}");
            if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken))!)
            {
                mismatches.Add(new TableMismatch(table.Schema, table.Name, table.Rows, null));
                continue;
            }
            await using var count = new NpgsqlCommand($"SELECT count(*) FROM {SourceDatabaseSnapshot.Quote(table.Schema)}.{SourceDatabaseSnapshot.Quote(table.Name)}", connection) { CommandTimeout = 0 };
            var actual = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
            if (actual != table.Rows) mismatches.Add(new TableMismatch(table.Schema, table.Name, table.Rows, actual));
        }
        return mismatches;
    }
}
