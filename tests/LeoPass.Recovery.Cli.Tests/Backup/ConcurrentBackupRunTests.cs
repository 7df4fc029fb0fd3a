using System.Security.Cryptography;
using System.Text.Json;
using LeoPass.Recovery.Backup.Artefacts;
using LeoPass.Recovery.Storage;
using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.Cli.Tests.Backup;

/// <summary>
/// Two `backup run` started together — a manual run during the nightly one, or two nodes — used to
/// share a key that was unique only per second, and the store kept one of them. Now each backup
/// has a key of its own and no write replaces another: run it ten times on each store and count.
/// One class per store, so the two stores' rounds run in parallel (one xUnit collection per class).
/// </summary>
public static class ConcurrentBackupRunTests
{
    private const int Rounds = 10;

    public sealed class OnTheFileSystem
    {
        [Fact]
        public Task Two_backup_runs_started_together_ten_times_each_leave_their_own_artefact_and_manifest() => TenRoundsAsync(useS3: false);
    }

    public sealed class OnS3
    {
        [Fact]
        public Task Two_backup_runs_started_together_ten_times_each_leave_their_own_artefact_and_manifest() => TenRoundsAsync(useS3: true);
    }

    private static async Task TenRoundsAsync(bool useS3)
    {
        await using var env = await CliBackupEnvironment.CreateAsync(useS3, rows: 200);
        var backups = new List<(string Key, string Sha256)>();
        var sameSecond = 0;

        for (var round = 0; round < Rounds; round++)
        {
            var pair = await Task.WhenAll(env.RunAsync("backup", "run", "--json"), env.RunAsync("backup", "run", "--json"));
            var keys = new List<string>();
            foreach (var result in pair)
            {
                // Both are kept: their keys differ, so neither store has anything to refuse.
                Assert.True(result.ExitCode == 0, result.ToString());
                using var json = JsonDocument.Parse(result.StandardOutput);
                var key = json.RootElement.GetProperty("key").GetString()!;
                backups.Add((key, json.RootElement.GetProperty("sha256").GetString()!));
                keys.Add(key);
            }
            if (ArtefactKey.TimeOf(keys[0]) == ArtefactKey.TimeOf(keys[1])) sameSecond++;
        }

        // The case the old key could not tell apart actually happened.
        Assert.True(sameSecond > 0, $"no round started both backups in the same second ({Rounds} rounds)");
        Assert.Equal(2 * Rounds, backups.Select(b => b.Key).Distinct(StringComparer.Ordinal).Count());

        var store = env.OpenStore();
        using var owned = store as IDisposable;
        var objects = new List<string>();
        await foreach (var item in store.ListAsync(ArtefactKey.Prefix)) objects.Add(item.Key);
        Assert.Equal(backups.Select(b => b.Key).Concat(backups.Select(b => ArtefactKey.ManifestOf(b.Key))).Order(StringComparer.Ordinal), objects.Order(StringComparer.Ordinal));
        foreach (var (key, sha256) in backups)
        {
            Assert.Equal(sha256, await Sha256Async(store, key));
            var manifest = await ManifestAsync(store, key);
            Assert.Equal(key, manifest.Key);
            Assert.Equal(sha256, manifest.Sha256);
        }

        var listed = Keys(await env.RunAsync("backup", "list", "--json"));
        Assert.Equal(backups.Select(b => b.Key).Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
        var refresh = await env.RunAsync("backup", "list", "--refresh", "--json");
        Assert.Equal(backups.Select(b => b.Key).Order(StringComparer.Ordinal), Keys(refresh).Order(StringComparer.Ordinal));
        using var refreshed = JsonDocument.Parse(refresh.StandardOutput);
        Assert.Equal(0, refreshed.RootElement.GetProperty("refreshed").GetProperty("added").GetInt32());
        Assert.Empty(refreshed.RootElement.GetProperty("refreshed").GetProperty("refused").EnumerateArray());
    }

    private static List<string> Keys(CliResult list)
    {
        Assert.True(list.ExitCode == 0, list.ToString());
        using var json = JsonDocument.Parse(list.StandardOutput);
        return [.. json.RootElement.GetProperty("backups").EnumerateArray().Select(b => b.GetProperty("key").GetString()!)];
    }

    private static async Task<string> Sha256Async(IArtefactStore store, string key)
    {
        await using var stream = await store.OpenReadAsync(key);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream));
    }

    private static async Task<BackupManifest> ManifestAsync(IArtefactStore store, string key)
    {
        await using var stream = await store.OpenReadAsync(ArtefactKey.ManifestOf(key));
        using var reader = new StreamReader(stream);
        return BackupManifest.Parse(await reader.ReadToEndAsync(), key);
    }
}
