using LeoPass.Recovery.Backup.Catalogue;
using LeoPass.Recovery.Backup.Encryption;
using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Core.Configuration;
using LeoPass.Recovery.Server.Hosting;
using LeoPass.Recovery.TestSupport;
using LeoPass.Recovery.Engine.Execution;
using LeoPass.Recovery.Engine.Journal;
using LeoPass.Recovery.Engine.Runs;
using Microsoft.Extensions.DependencyInjection;

namespace LeoPass.Recovery.Pitr.Tests.Support;

/// <summary>
/// A production source set up for point-in-time recovery (<see cref="SourceCluster"/>: its own
/// PostgreSQL 15 with a replication role), the orchestrator's database on the shared test
/// cluster, a store (a directory, or a private s3rver), a key pair, and the environment an
/// operator would set for the WAL stream and restores. Nodes run the product's own host.
/// </summary>
public sealed class PitrTestBed : IAsyncDisposable
{
    private static readonly Lazy<GeneratedKeyPair> Keys = new(() =>
        OpenPgpKeyPairGenerator.Generate(Directory.CreateTempSubdirectory("leopass-pitr-keys-").FullName));

    // Every WAL and base backup manifest is signed, and every read checks it: the production setup.
    private static readonly Lazy<GeneratedSigningKey> Signing = new(() =>
        OpenPgpKeyPairGenerator.GenerateSigningKey(Directory.CreateTempSubdirectory("leopass-pitr-signing-").FullName));

    /// <summary>
    /// The built CLI, copied where PostgreSQL's restore_command can run it. Restores run the server
    /// as the postgres user, which cannot enter a checkout below a private directory (CI clones into
    /// a folder only root may open), so the copy is world-readable and the bed points LEOPASS_CLI at it.
    /// </summary>
    private static readonly Lazy<string> ReachableCli = new(CopyBuiltCli);

    private const UnixFileMode OpenDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private readonly List<ProductHost> _hosts = [];

    private PitrTestBed(SourceCluster source, TestDatabase recovery, string work, S3rverProcess? s3)
    {
        Source = source;
        Recovery = recovery;
        WorkDirectory = work;
        S3 = s3;
    }

    public SourceCluster Source { get; }
    public TestDatabase Recovery { get; }
    public string WorkDirectory { get; }
    public S3rverProcess? S3 { get; }
    public RecordingHttpServer Http { get; } = new();
    public Dictionary<string, string?> Variables { get; } = [];
    public string StoreDirectory => Path.Combine(WorkDirectory, "store");

    /// <param name="maxWalAge">WAL_MAX_AGE in seconds.</param>
    /// <param name="s3">Store in a private s3rver (that a test may stop and start) instead of a directory.</param>
    public static async Task<PitrTestBed> CreateAsync(int maxWalAge = 10, bool s3 = false)
    {
        var source = await SourceCluster.StartAsync();
        var recovery = await PostgresServer.CreateDatabaseAsync("pitrrec");
        var work = Directory.CreateTempSubdirectory("leopass-pitr-").FullName;
        // Restores run PostgreSQL as the postgres user (as root): it must reach the work directory.
        File.SetUnixFileMode(work, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        var s3rver = s3 ? await S3rverProcess.StartNewAsync("leopass-pitr") : null;
        var bed = new PitrTestBed(source, recovery, work, s3rver);
        var v = bed.Variables;
        v["DATABASE_URL"] = source.SuperuserUrl;
        v["WAL_SOURCE_URL"] = source.ReplicationUrl;
        v["RECOVERY_DATABASE_URL"] = recovery.Url;
        if (s3rver is null)
        {
            v["BACKUP_DIR"] = bed.StoreDirectory;
        }
        else
        {
            v["OCI_BUCKET"] = s3rver.Bucket;
            v["OCI_S3_ENDPOINT"] = s3rver.Endpoint.ToString();
            v["OCI_S3_ACCESS_KEY"] = S3rverProcess.AccessKey;
            v["OCI_S3_SECRET_KEY"] = S3rverProcess.SecretKey;
        }
        v["BACKUP_ENCRYPTION_PUBLIC_KEY"] = Keys.Value.PublicKeyPath;
        v["BACKUP_DECRYPTION_PRIVATE_KEY"] = Keys.Value.PrivateKeyPath;
        v["BACKUP_SIGNING_KEY"] = Signing.Value.PrivateKeyPath;
        v["BACKUP_TRUSTED_SIGNERS"] = Signing.Value.PublicKeyPath;
        v["WAL_STREAM"] = "1";
        v["WAL_MAX_AGE"] = maxWalAge.ToString(System.Globalization.CultureInfo.InvariantCulture);
        v["WAL_SPOOL_DIR"] = Path.Combine(work, "spool");
        v["RESTORE_WORK_DIR"] = Path.Combine(work, "restore");
        v["LEOPASS_REPO_ROOT"] = RepositoryRoot.Path;
        v["LEOPASS_CLI"] = ReachableCli.Value;
        v["LEOPASS_WORKFLOWS_DIR"] = Path.Combine(RepositoryRoot.Path, "workflows");
        v["LEOPASS_SCHEDULER_NAME"] = "pitr-" + Guid.NewGuid().ToString("N")[..8];
        v["OPS_WEBHOOK_URL"] = bed.Http.Url("/ops").ToString();
        v["SMOKE_TEST_COMMANDS"] = "true";
        await source.ExecuteAsync("CREATE TABLE markers (id bigserial PRIMARY KEY, name text NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())");
        return bed;
    }

    private static string CopyBuiltCli()
    {
        var built = PublishedCli.BuildDirectory;
        if (!File.Exists(Path.Combine(built, "leopass-recovery.dll")))
        {
            throw new InvalidOperationException($"the CLI is not built at {built}: run ./leopass-recovery --version first (scripts/test.sh does)");
        }
        var copy = Directory.CreateTempSubdirectory("leopass-cli-").FullName;
        foreach (var file in Directory.EnumerateFiles(built, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy, Path.GetRelativePath(built, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        foreach (var directory in Directory.EnumerateDirectories(copy, "*", SearchOption.AllDirectories).Prepend(copy))
        {
            File.SetUnixFileMode(directory, OpenDirectory);
        }
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(copy, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        };
        return $"dotnet '{Path.Combine(copy, "leopass-recovery.dll")}'";
    }

    public RecoverySettings Settings() => RecoverySettings.Load(new EnvironmentReader(Variables));

    public PitrCatalogue Catalogue() => new(Recovery.ConnectionString, TimeProvider.System);

    /// <summary>A server node (it streams WAL when it holds the lease) in the test process.</summary>
    public async Task<ProductHost> StartServerNodeAsync(Action<IServiceCollection>? services = null)
    {
        var host = await ProductHost.StartNodeAsync(new NodeOptions(NodeRole.Server), Variables, services);
        _hosts.Add(host);
        return host;
    }

    /// <summary>
    /// A node that executes runs but does not stream: a server with WAL_STREAM off. (A CLI's
    /// temporary node executes only the run its command started, so it would leave these pending.)
    /// </summary>
    public async Task<ProductHost> StartEngineNodeAsync()
    {
        var host = await ProductHost.StartNodeAsync(new NodeOptions(NodeRole.Server), new Dictionary<string, string?>(Variables) { ["WAL_STREAM"] = null });
        _hosts.Add(host);
        return host;
    }

    /// <summary>Waits until the catalogue lists a segment that satisfies <paramref name="condition"/> (polls; generous timeout for loaded machines).</summary>
    public async Task<WalSegmentEntry> WaitForSegmentAsync(Func<WalSegmentEntry, bool> condition, TimeSpan timeout, string what)
    {
        var catalogue = Catalogue();
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var found = (await catalogue.ListSegmentsAsync()).FirstOrDefault(condition);
            if (found is not null) return found;
            await Task.Delay(250);
        }
        var log = string.Join("\n", _hosts.Select(h => h.Log).Select(l => l.Length > 6000 ? l[^6000..] : l));
        throw new TimeoutException($"no shipped segment {what} within {timeout.TotalSeconds:0} s; shipped: {string.Join(", ", (await catalogue.ListSegmentsAsync()).Select(s => s.FileName))}\nnode log:\n{log}");
    }

    /// <summary>Starts a run of <paramref name="definition"/> on <paramref name="node"/> and waits until it ends (succeeded, halted or aborted).</summary>
    public static async Task<Run> RunAsync(ProductHost node, string definition, Dictionary<string, string>? parameters = null, TimeSpan? timeout = null)
    {
        var run = await node.Get<RunOperations>().StartAsync(new StartRunRequest(definition, parameters ?? [], "tester"));
        return await WaitForRunAsync(node, run.Id, timeout ?? TimeSpan.FromMinutes(4));
    }

    public static async Task<Run> WaitForRunAsync(ProductHost node, long runId, TimeSpan timeout)
    {
        var queries = node.Get<RunQueries>();
        var deadline = DateTime.UtcNow + timeout;
        Run run;
        do
        {
            run = await queries.GetAsync(runId);
            if (run.State is RunState.Succeeded or RunState.Halted or RunState.Aborted) return run;
            await Task.Delay(250);
        }
        while (DateTime.UtcNow < deadline);
        var log = node.Log.Length > 8000 ? node.Log[^8000..] : node.Log;
        throw new TimeoutException($"run {runId} is still {run.State} after {timeout.TotalSeconds:0} s; steps: {Steps(run)}\nnode log:\n{log}");
    }

    public static string Steps(Run run) => string.Join("; ", run.Steps.Select(s => $"{s.StepId}={s.State}{(s.Error is null ? "" : ": " + s.Error)}"));

    /// <summary>The application directory: smoke tests run here, with DATABASE_URL at the restored database.</summary>
    public string AppDirectory => Path.Combine(WorkDirectory, "app");

    /// <summary>A smoke test that writes the restored database's markers, in order, to markers-&lt;run id&gt;.txt in <see cref="AppDirectory"/>.</summary>
    public void RecordMarkersInSmokeTest()
    {
        Directory.CreateDirectory(AppDirectory);
        Variables["APP_DIR"] = AppDirectory;
        Variables["SMOKE_TEST_COMMANDS"] = "psql \"$DATABASE_URL\" -v ON_ERROR_STOP=1 -Atc \"SELECT coalesce(string_agg(name, ',' ORDER BY id), '') FROM markers\" > markers-$LEOPASS_RUN_ID.txt";
    }

    public string MarkersSeenBy(long runId) => File.ReadAllText(Path.Combine(AppDirectory, $"markers-{runId}.txt")).Trim();

    /// <summary>Inserts a marker row and returns the time the source committed it.</summary>
    public async Task<DateTimeOffset> InsertMarkerAsync(string name)
    {
        await Source.ExecuteAsync($"INSERT INTO markers (name) VALUES ('{name}')");
        return await Source.ScalarAsync<DateTimeOffset>($"SELECT at FROM markers WHERE name = '{name}'");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts) await host.DisposeAsync();
        await Http.DisposeAsync();
        if (S3 is not null) await S3.DisposeAsync();
        await Source.DisposeAsync();
        await Recovery.DisposeAsync();
        try { Directory.Delete(WorkDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
