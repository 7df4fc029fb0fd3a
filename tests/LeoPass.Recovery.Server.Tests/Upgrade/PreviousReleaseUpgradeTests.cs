using System.Net;
using System.Net.Http.Headers;
using LeoPass.Recovery.Backup.Catalogue;
using LeoPass.Recovery.Core.Schema;
using LeoPass.Recovery.Engine.Definitions;
using LeoPass.Recovery.Engine.Journal;
using LeoPass.Recovery.Server.Tests.Support;
using LeoPass.Recovery.Server.Roles;
using LeoPass.Recovery.Server.Tokens;
using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.Server.Tests.Upgrade;

/// <summary>
/// A database the previous release (main at 92f640a) made and used, upgraded by this one.
/// previous-release-92f640a.sql is real <c>pg_dump --no-owner --no-privileges -n engine -n catalogue
/// -n access</c> output of that release's recovery database after its <c>demo</c> (a nightly backup,
/// a restore verification, a restore drill: runs 1–3 with their steps, attempts and audit, one
/// catalogued backup) and <c>token create</c> (an admin and a viewer token). That release kept the
/// migrations history as <c>catalogue.__migrations</c>, <c>access.__migrations</c> and
/// <c>engine.__ef_migrations_history</c> with PascalCase columns.
/// </summary>
public sealed class PreviousReleaseUpgradeTests
{
    private static string Dump => Path.Combine(RepositoryRoot.Path, "tests", "LeoPass.Recovery.Server.Tests", "Upgrade", "previous-release-92f640a.sql");

    /// <summary>The admin token <c>token create --name upgrade-admin</c> printed when the dump was made (only its hash is in the dump).</summary>
    private const string PreviousAdminToken = "lpr_i4h9e0nXaX9Yrv4GzF0kTFE0mBemxkXZyyPY3Vvv1N0";

    private const string BackupKey = "leopass-2026-12-07T211321Z-0d145790.dump.zst.pgp";

    private static readonly string[] Schemas = [EngineDbContext.Schema, CatalogueDbContext.Schema, AccessDbContext.Schema];

    private static readonly (string Schema, IReadOnlyList<string> Ids)[] MigrationIds =
    [
        (EngineDbContext.Schema, SchemaCheck.MigrationIdsOf(typeof(EngineDbContext).Assembly, typeof(EngineDbContext))),
        (CatalogueDbContext.Schema, SchemaCheck.MigrationIdsOf(typeof(CatalogueDbContext).Assembly, typeof(CatalogueDbContext))),
        (AccessDbContext.Schema, SchemaCheck.MigrationIdsOf(typeof(AccessDbContext).Assembly, typeof(AccessDbContext))),
    ];

    [Fact]
    public async Task A_database_of_the_previous_release_upgrades_with_its_runs_attempts_backups_and_tokens_and_keeps_working()
    {
        await using var database = await PostgresServer.CreateDatabaseAsync("upgrade");
        var load = await ExternalTool.RunAsync("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", database.Url, "-f", Dump]);
        Assert.True(load.ExitCode == 0, $"loading the previous release's dump failed: {load}");
        var before = await CountsAsync(database);
        Assert.Equal((3L, 19L, 16L, 12L, 9L, 1L, 2L), before);
        // The cheap check reads today's names: on the old ones it says "not current", so the migrator runs and renames them.
        foreach (var (schema, ids) in MigrationIds)
        {
            Assert.False(await SchemaCheck.IsCurrentAsync(database.ConnectionString, schema, MigrationHistory.Table, ids));
        }

        var backupDirectory = Path.Combine(Path.GetTempPath(), "leopass-upgrade-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(backupDirectory);
        try
        {
            await using (var host = await ProductHost.StartServerAsync(new Dictionary<string, string?>
            {
                ["RECOVERY_DATABASE_URL"] = database.Url,
                ["BACKUP_DIR"] = backupDirectory,
                ["LEOPASS_SCHEDULER_NAME"] = "upgrade-" + Guid.NewGuid().ToString("N")[..8],
                ["LEOPASS_ENABLE_TEST_ACTIVITIES"] = "1",
            }))
            {
                Assert.Equal(before, await CountsAsync(database));
                await AssertHistoryRenamedAsync(database);

                using var admin = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
                admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", PreviousAdminToken);

                // Reads: the previous release's runs, journal and catalogue, through the API, with its token.
                var (listed, runs) = await admin.GetJsonAsync("/api/runs?limit=50");
                Assert.Equal(HttpStatusCode.OK, listed);
                Assert.Equal(["restore-drill", "verify-restore", "nightly-backup"], runs!.AsArray().Select(r => r!["definitionId"]!.GetValue<string>()));
                var drill = await admin.WaitForAsync(3, "Succeeded");
                Assert.Equal(await database.ScalarAsync<long>("SELECT count(*) FROM engine.attempts WHERE run_id = 3"), drill["journal"]!.AsArray().Count);
                Assert.NotEmpty(drill["journal"]!.AsArray());
                Assert.Equal("cli:root", drill["audit"]![0]!["who"]!.GetValue<string>());
                var (backupsStatus, backups) = await admin.GetJsonAsync("/api/backups");
                Assert.Equal(HttpStatusCode.OK, backupsStatus);
                var backup = Assert.Single(backups!.AsArray())!;
                Assert.Equal(BackupKey, backup["key"]!.GetValue<string>());
                Assert.Equal("aaaeb15c6ec4f5f41e288dff9f9d4fbd36e67a855b2f8c31c1c7681ce3ac94ca", backup["sha256"]!.GetValue<string>());
                Assert.Equal(2, backup["restoreVerification"]!["runId"]!.GetValue<long>());

                // Writes: a new run continues the old ids and runs to its end; a new token lives beside the old ones.
                var definition = host.Get<DefinitionLoader>().Parse(TestDefinitions.All.First(), "test.json");
                await host.Get<DefinitionCatalog>().PublishAsync(definition, "test");
                var id = await admin.StartAsync(TestDefinitions.Drill);
                Assert.Equal(4, id);
                await admin.WaitForAsync(id, "Succeeded");
                await host.Get<TokenStore>().CreateAsync("after-upgrade", ApiRole.Viewer, "test");
                Assert.Equal(3L, await database.ScalarAsync<long>("SELECT count(*) FROM access.tokens"));
            }

            // A second start (every later start) finds each schema current in one query.
            foreach (var schema in Schemas)
            {
                var ids = await database.ScalarAsync<long>($"SELECT count(*) FROM {schema}.{MigrationHistory.Table}");
                Assert.True(ids > 0, $"{schema} history is empty");
            }
            await EngineDatabase.MigrateAsync(database.ConnectionString);
            await new BackupCatalogue(database.ConnectionString, TimeProvider.System).MigrateAsync();
            await new TokenStore(database.ConnectionString, TimeProvider.System).MigrateAsync();
            await AssertHistoryRenamedAsync(database);
        }
        finally
        {
            Directory.Delete(backupDirectory, recursive: true);
        }
    }

    private static async Task AssertHistoryRenamedAsync(TestDatabase database)
    {
        foreach (var schema in Schemas)
        {
            Assert.Null(await database.ScalarAsync<string>($"SELECT to_regclass('{schema}.__migrations')::text"));
            Assert.Equal(
                "migration_id,product_version",
                await database.ScalarAsync<string>($"""
                    SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM information_schema.columns
                    WHERE table_schema = '{schema}' AND table_name = '{MigrationHistory.Table}'
                    """));
            Assert.Equal($"pk_{MigrationHistory.Table}", await database.ScalarAsync<string>($"""
                SELECT conname::text FROM pg_constraint WHERE conrelid = '{schema}.{MigrationHistory.Table}'::regclass AND contype = 'p'
                """));
        }
        foreach (var (schema, ids) in MigrationIds)
        {
            Assert.True(await SchemaCheck.IsCurrentAsync(database.ConnectionString, schema, MigrationHistory.Table, ids), $"{schema} is not current");
        }
    }

    private static async Task<(long Runs, long Steps, long Attempts, long Audit, long Definitions, long Backups, long Tokens)> CountsAsync(TestDatabase database) => (
        await database.ScalarAsync<long>("SELECT count(*) FROM engine.runs"),
        await database.ScalarAsync<long>("SELECT count(*) FROM engine.steps"),
        await database.ScalarAsync<long>("SELECT count(*) FROM engine.attempts"),
        await database.ScalarAsync<long>("SELECT count(*) FROM engine.audit"),
        await database.ScalarAsync<long>("SELECT count(*) FROM engine.definition_versions"),
        await database.ScalarAsync<long>("SELECT count(*) FROM catalogue.backups"),
        await database.ScalarAsync<long>("SELECT count(*) FROM access.tokens"));
}
