using Npgsql;

namespace LeoPass.Recovery.TestSupport;

/// <summary>
/// Seeds a database with the column types a real application has (text, jsonb, bytea,
/// timestamptz, numeric, uuid, arrays) and fingerprints every table's content, so a restore
/// can be proven identical, not just the same size.
/// </summary>
public static class SampleData
{
    /// <summary>Creates three related tables holding <paramref name="rows"/> rows in all (split 60/30/10).</summary>
    public static async Task SeedAsync(string connectionString, int rows = 50_000)
    {
        var events = rows / 10;
        var attendees = rows * 3 / 10;
        var scans = rows - events - attendees;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"""
            CREATE TABLE events (
                id uuid PRIMARY KEY, title text NOT NULL, starts_at timestamptz NOT NULL,
                price numeric(12, 2) NOT NULL, tags text[] NOT NULL, settings jsonb NOT NULL);
            CREATE TABLE attendees (
                id bigserial PRIMARY KEY, event_id uuid NOT NULL REFERENCES events(id), email text NOT NULL,
                profile jsonb, avatar bytea, registered_at timestamptz NOT NULL);
            CREATE TABLE scans (
                id bigserial PRIMARY KEY, attendee_id bigint NOT NULL REFERENCES attendees(id),
                scanned_at timestamptz NOT NULL, gate smallint NOT NULL, payload bytea NOT NULL, scores int[]);
            INSERT INTO events
              SELECT md5(i::text)::uuid, 'Event ' || i || ' ' || repeat(chr(65 + i % 26), i % 40),
                     timestamptz '2026-01-01 00:00:00+00' + (i || ' hours')::interval, (i * 1.37)::numeric(12, 2),
                     ARRAY['tag' || (i % 7), 'zone-' || (i % 3)], jsonb_build_object('capacity', i * 10, 'name', 'e' || i, 'nested', jsonb_build_object('k', i))
              FROM generate_series(1, {events}) i;
            INSERT INTO attendees (event_id, email, profile, avatar, registered_at)
              SELECT md5(((i % {events}) + 1)::text)::uuid, 'person' || i || '@example.org',
                     CASE WHEN i % 5 = 0 THEN NULL ELSE jsonb_build_object('first', 'P' || i, 'vip', i % 11 = 0) END,
                     CASE WHEN i % 3 = 0 THEN NULL ELSE decode(md5(i::text) || md5((i * 7)::text), 'hex') END,
                     timestamptz '2026-02-01 00:00:00+00' + (i || ' minutes')::interval
              FROM generate_series(1, {attendees}) i;
            INSERT INTO scans (attendee_id, scanned_at, gate, payload, scores)
              SELECT (i % {attendees}) + 1, timestamptz '2026-03-01 00:00:00+00' + (i || ' seconds')::interval, (i % 12)::smallint,
                     decode(md5('scan' || i), 'hex'), ARRAY[i % 100, i % 7]
              FROM generate_series(1, {scans}) i;
            ANALYZE;
            """, connection) { CommandTimeout = 600 };
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Per table: row count and an MD5 over every row's text form in a stable order.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> FingerprintAsync(string connectionString)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("""
            SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM information_schema.tables
            WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1
            """, connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        }
        foreach (var table in tables)
        {
            await using var fingerprint = new NpgsqlCommand(
                $"SELECT count(*)::text || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM {table} t", connection) { CommandTimeout = 600 };
            result[table] = (string)(await fingerprint.ExecuteScalarAsync())!;
        }
        return result;
    }
}
