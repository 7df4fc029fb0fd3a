using Npgsql;

namespace LeoPass.Recovery.Cli.Demo;

/// <summary>
/// A database shaped like LeoPass's (users, events, tickets, attendees, scans, and Prisma's
/// migrations table), big enough for a drill to mean something and small enough to be quick.
/// Seeded once; later demo runs reuse it.
/// </summary>
public static class SampleDatabase
{
    public static async Task<bool> EnsureAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using (var exists = new NpgsqlCommand("SELECT to_regclass('public.scans') IS NOT NULL", connection))
        {
            if ((bool)(await exists.ExecuteScalarAsync(cancellationToken))!) return false;
        }
        await using var seed = new NpgsqlCommand("""
            CREATE TABLE users (id uuid PRIMARY KEY, email text UNIQUE NOT NULL, name text NOT NULL, role text NOT NULL,
                                password_hash bytea NOT NULL, created_at timestamptz NOT NULL);
            CREATE TABLE events (id uuid PRIMARY KEY, organiser_id uuid NOT NULL REFERENCES users(id), title text NOT NULL,
                                 venue jsonb NOT NULL, starts_at timestamptz NOT NULL, capacity int NOT NULL, tags text[] NOT NULL);
            CREATE TABLE tickets (id uuid PRIMARY KEY, event_id uuid NOT NULL REFERENCES events(id), tier text NOT NULL,
                                  price numeric(10, 2) NOT NULL, qr_secret bytea NOT NULL, issued_at timestamptz NOT NULL);
            CREATE TABLE attendees (id bigserial PRIMARY KEY, ticket_id uuid NOT NULL REFERENCES tickets(id), user_id uuid REFERENCES users(id),
                                    full_name text NOT NULL, details jsonb);
            CREATE TABLE scans (id bigserial PRIMARY KEY, ticket_id uuid NOT NULL REFERENCES tickets(id), gate text NOT NULL,
                                scanned_at timestamptz NOT NULL, accepted boolean NOT NULL);
            CREATE TABLE _prisma_migrations (id varchar(36) PRIMARY KEY, checksum varchar(64) NOT NULL, finished_at timestamptz,
                                             migration_name varchar(255) NOT NULL, logs text, rolled_back_at timestamptz,
                                             started_at timestamptz NOT NULL DEFAULT now(), applied_steps_count int NOT NULL DEFAULT 0);
            INSERT INTO users SELECT md5('u' || i)::uuid, 'user' || i || '@leopass.example', 'User ' || i,
                (ARRAY['attendee', 'organiser', 'staff'])[1 + i % 3], decode(md5('pw' || i), 'hex'), now() - (i || ' hours')::interval
              FROM generate_series(1, 5000) i;
            INSERT INTO events SELECT md5('e' || i)::uuid, md5('u' || (1 + i % 5000))::uuid, 'Event ' || i,
                jsonb_build_object('name', 'Hall ' || (i % 40), 'city', (ARRAY['Lyon', 'Paris', 'Nantes'])[1 + i % 3]),
                now() + (i || ' days')::interval, 100 + i % 900, (ARRAY['music', 'tech', 'sport'])[1:1 + i % 3]
              FROM generate_series(1, 500) i;
            INSERT INTO tickets SELECT md5('t' || i)::uuid, md5('e' || (1 + i % 500))::uuid, (ARRAY['standard', 'vip', 'press'])[1 + i % 3],
                (15 + i % 120)::numeric(10, 2), decode(md5('q' || i) || md5('r' || i), 'hex'), now() - (i || ' minutes')::interval
              FROM generate_series(1, 40000) i;
            INSERT INTO attendees (ticket_id, user_id, full_name, details) SELECT md5('t' || i)::uuid,
                CASE WHEN i % 4 = 0 THEN NULL ELSE md5('u' || (1 + i % 5000))::uuid END, 'Attendee ' || i,
                CASE WHEN i % 7 = 0 THEN jsonb_build_object('diet', 'vegetarian') END
              FROM generate_series(1, 40000) i;
            INSERT INTO scans (ticket_id, gate, scanned_at, accepted) SELECT md5('t' || (1 + i % 40000))::uuid, 'gate-' || (i % 8),
                now() - (i || ' seconds')::interval, i % 50 <> 0
              FROM generate_series(1, 60000) i;
            INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, applied_steps_count)
              VALUES (md5('m1'), md5('c1'), now() - interval '30 days', '20260101000000_init', 1),
                     (md5('m2'), md5('c2'), now() - interval '3 days', '20261120000000_add_scans_gate', 1);
            ANALYZE;
            """, connection) { CommandTimeout = 600 };
        await seed.ExecuteNonQueryAsync(cancellationToken);
        return true;
    }

    public static async Task EnsureDatabaseAsync(string maintenanceConnectionString, string name, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(maintenanceConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @n", connection);
        exists.Parameters.AddWithValue("n", name);
        if (await exists.ExecuteScalarAsync(cancellationToken) is not null) return;
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await create.ExecuteNonQueryAsync(cancellationToken);
    }
}
