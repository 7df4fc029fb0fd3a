using System.Text.Json;
using CliWrap;
using CliWrap.Buffered;
using LeoPass.Recovery.Cli.Commands;

namespace LeoPass.Recovery.Cli.Demo;

/// <summary>
/// `demo`: the product working end to end on a fresh machine with nothing configured — a
/// private PostgreSQL cluster, a LeoPass-shaped sample database, a key pair, the filesystem
/// store, a backup, a restore drill and its report — then the server, with the console's address
/// and a token that signs in (<see cref="DemoToken"/>). Everything lives under
/// one directory and is reused by the next run. Each step runs this same CLI as a child
/// process with the demo's environment, exactly as an operator would type it.
/// </summary>
internal static class DemoCommand
{
    public static System.CommandLine.Command Create()
    {
        var noServe = new Option<bool>("--no-serve") { Description = "Exit after the drill instead of keeping the server running" };
        var dataDir = new Option<string?>("--data-dir") { Description = "Where the demo keeps its cluster, keys, backups and SHIP_NOTES (default: .demo in the repository)" };
        var stop = new Option<bool>("--stop") { Description = "Stop what the demo left running (its PostgreSQL cluster) and exit; the next `demo` starts it again with its data" };
        var command = new System.CommandLine.Command("demo", "Set up everything locally, take a backup, run a restore drill, print its RTO/RPO report, then serve") { noServe, dataDir, stop };
        command.Subcommands.Add(CloudflareStandInCommand.Create());
        command.SetActionWithoutHost(async (_, parse, cancellationToken) =>
        {
            var directory = Path.GetFullPath(parse.GetValue(dataDir) ?? DefaultDirectory());
            if (parse.GetValue(stop)) return await StopAsync(directory, cancellationToken);
            return await RunAsync(directory, parse.GetValue(noServe), cancellationToken);
        });
        return command;
    }

    private static string DefaultDirectory() =>
        Path.Combine(CliConfiguration.Text("LEOPASS_REPO_ROOT") is { } root ? root : Directory.GetCurrentDirectory(), ".demo");

    private static void Say(string text) => Console.WriteLine($"==> {text}");

    /// <summary>
    /// `demo --stop`: the server runs in the demo's foreground (Ctrl+C ends it), so what outlives
    /// `demo` is the PostgreSQL cluster and the Cloudflare stand-in; stopping them keeps their data for the next `demo`.
    /// </summary>
    private static async Task<int> StopAsync(string directory, CancellationToken cancellationToken)
    {
        var cluster = new PrivateCluster(Path.Combine(directory, "postgres"));
        Say(await cluster.StopAsync(cancellationToken)
            ? $"stopped the demo's PostgreSQL ({directory}); `demo` starts it again with its data"
            : $"the demo's PostgreSQL in {directory} is not running; nothing to stop");
        if (await new DemoCloudflare(Path.Combine(directory, "cloudflare")).StopAsync(cancellationToken))
        {
            Say("stopped the demo's Cloudflare stand-in; its zone is kept");
        }
        return ExitCodes.Success;
    }

    private static async Task<int> RunAsync(string directory, bool noServe, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var environment = await PrepareAsync(directory, cancellationToken);

        Say("taking a backup (pg_dump → zstd → OpenPGP → filesystem store → verify → manifest)");
        // Here the proof by restore runs in the foreground, next: a server would start it after the backup by itself.
        var backup = await SelfAsync(new Dictionary<string, string?>(environment) { ["VERIFY_RESTORE_AFTER_BACKUP"] = "false" }, cancellationToken, "backup", "run");
        if (backup != 0) return backup;

        Say("proving the backup restores (the restore verification: a scratch database, every table's row count and the migration head against the manifest)");
        var proof = await SelfAsync(environment, cancellationToken, "backup", "verify", "latest", "--restore");
        if (proof != 0) return proof;

        Say("running the restore drill (the runbook's nine steps; quarantine, reconfigure and reopen are disabled in a drill)");
        var drill = await SelfBufferedAsync(environment, cancellationToken, "drill", "start", "--backup", "latest", "--wait", "--json");
        if (drill.ExitCode != 0)
        {
            Console.Error.WriteLine(drill.StandardError);
            Console.Error.WriteLine("error: the drill did not succeed; `leopass-recovery run status <id>` with the demo's environment shows where it stopped");
            return ExitCodes.Failure;
        }
        var runId = JsonDocument.Parse(drill.StandardOutput).RootElement.GetProperty("id").GetInt64();
        Say($"drill run {runId} succeeded; its report (also appended to {environment["SHIP_NOTES_PATH"]}):");
        await SelfAsync(environment, cancellationToken, "run", "report", runId.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Say($"demo state is in {directory}; run it again to reuse it. The environment it used is in {Path.Combine(directory, "demo.env")}");
        Say("the demo's PostgreSQL keeps running for the next command; `leopass-recovery demo --stop` stops it");
        if (noServe) return ExitCodes.Success;
        var (token, created) = await DemoToken.EnsureAsync(directory, environment["RECOVERY_DATABASE_URL"]!, cancellationToken);
        Say("starting the server (scheduler, HTTP API and the responder console); Ctrl+C stops it");
        return await ServeAsync(environment, runId, token, created, directory, cancellationToken);
    }

    /// <summary>
    /// Runs the server and, once it says where it listens, where to look: the console, the drill
    /// just run, and the token that signs in. Printed from the server's own announcement, so the
    /// address is the one that answers (LEOPASS_LISTEN_URL may ask for port 0).
    /// </summary>
    private static async Task<int> ServeAsync(IReadOnlyDictionary<string, string?> environment, long runId, string token, bool created, string directory, CancellationToken cancellationToken)
    {
        var announced = 0;
        void OnServerLine(string line)
        {
            if (ListeningAddress(line) is not { } console || Interlocked.Exchange(ref announced, 1) == 1) return;
            Say($"the console: {console}/ — the drill you just ran: {console}/runs/{runId}");
            Say($"sign in with this operator token ({(created ? "created now" : "the one created before, still valid")}; kept in {Path.Combine(directory, DemoToken.FileName)}; " +
                $"`./leopass-recovery token revoke {DemoToken.Name}` ends it):");
            // Shown as it is: the one token a newcomer needs, printed only here (masked everywhere else).
            new Output.CliOutput(json: false, Core.Secrets.SecretRedactor.Shared).Revealing(token).Line(token);
            Say($"the API's reference: {console}/docs");
        }
        // The demo's Ctrl+C or SIGTERM stops the server cleanly (CliWrap's graceful cancellation sends it
        // SIGINT), so it leaves the cluster; it is killed only if it has not stopped well within the
        // grace this process itself gets (Hosting.StopSignals.StopGrace).
        using var forceful = new CancellationTokenSource();
        await using var escalate = cancellationToken.Register(() => forceful.CancelAfter(Hosting.StopSignals.StopGrace - TimeSpan.FromSeconds(5)));
        var result = await Self(environment, ["server"])
            .WithStandardOutputPipe(PipeTarget.ToStream(Console.OpenStandardOutput()))
            .WithStandardErrorPipe(PipeTarget.Merge(PipeTarget.ToStream(Console.OpenStandardError()), PipeTarget.ToDelegate(OnServerLine)))
            .ExecuteAsync(forceful.Token, cancellationToken);
        return result.ExitCode;
    }

    /// <summary>
    /// The first address of the server's "… API on http://127.0.0.1:8080, …. Ctrl+C stops it." line
    /// (ServerCommand), as a browser can open it: a wildcard host (0.0.0.0, [::]) is this machine.
    /// </summary>
    internal static string? ListeningAddress(string line)
    {
        const string marker = "API on ";
        var at = line.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0 || !line.Contains("is up", StringComparison.Ordinal)) return null;
        var first = line[(at + marker.Length)..].Split([", ", " "], StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.TrimEnd('.', ',');
        if (first is null || !Uri.TryCreate(first, UriKind.Absolute, out var address)) return null;
        var host = address.Host is "0.0.0.0" or "[::]" or "::" ? "127.0.0.1" : address.Host;
        return new UriBuilder(address) { Host = host, Path = "" }.Uri.GetLeftPart(UriPartial.Authority);
    }

    /// <summary>
    /// LEOPASS_PUBLIC_URL for the demo's own runs (their SHIP_NOTES entries link to the run's page):
    /// the one configured, else the listen address when it names one (not port 0, not a wildcard host).
    /// </summary>
    private static string? PublicUrl(string listenUrl)
    {
        if (CliConfiguration.Text("LEOPASS_PUBLIC_URL") is { } configured) return configured;
        return Uri.TryCreate(listenUrl, UriKind.Absolute, out var listen) && listen.Port != 0 && listen.Host is not ("0.0.0.0" or "[::]" or "*" or "+")
            ? listen.GetLeftPart(UriPartial.Authority)
            : null;
    }

    /// <summary>The cluster, databases, keys and environment, created on the first run and reused afterwards.</summary>
    private static async Task<Dictionary<string, string?>> PrepareAsync(string directory, CancellationToken cancellationToken)
    {
        var cluster = new PrivateCluster(Path.Combine(directory, "postgres"));
        await cluster.EnsureRunningAsync(Say, cancellationToken);
        var maintenance = PostgresConnectionString.Parse(cluster.UrlFor("postgres"), "demo cluster");
        foreach (var name in new[] { "leopass", "leopass_recovery" })
        {
            await SampleDatabase.EnsureDatabaseAsync(maintenance, name, cancellationToken);
        }
        var source = CliConfiguration.Text("DATABASE_URL") is { } given ? given : cluster.UrlFor("leopass");
        if (source == cluster.UrlFor("leopass")
            && await SampleDatabase.EnsureAsync(PostgresConnectionString.Parse(source, "demo"), cancellationToken))
        {
            Say("created the sample database 'leopass' (users, events, tickets, attendees, scans)");
        }

        var keys = Path.Combine(directory, "keys");
        if (!File.Exists(Path.Combine(keys, "backup-public.asc")))
        {
            Say("generating an OpenPGP key pair for the demo's backups");
            Backup.Encryption.OpenPgpKeyPairGenerator.Generate(keys, new Backup.Encryption.KeyPairGenerationOptions());
        }
        var cloudflare = new DemoCloudflare(Path.Combine(directory, "cloudflare"));
        await cloudflare.EnsureRunningAsync(Say, cancellationToken);
        var listenUrl = CliConfiguration.Text("LEOPASS_LISTEN_URL") is { } listen ? listen : NodeSettings.DefaultListenUrl;
        var environment = new Dictionary<string, string?>
        {
            ["DATABASE_URL"] = source,
            ["RECOVERY_DATABASE_URL"] = cluster.UrlFor("leopass_recovery"),
            ["TARGET_DATABASE_URL"] = cluster.UrlFor("leopass_restore"),
            ["BACKUP_DIR"] = Path.Combine(directory, "backups"),
            ["BACKUP_ENCRYPTION_PUBLIC_KEY"] = Path.Combine(keys, "backup-public.asc"),
            ["BACKUP_DECRYPTION_PRIVATE_KEY"] = Path.Combine(keys, "backup-private.asc"),
            ["SHIP_NOTES_PATH"] = Path.Combine(directory, "SHIP_NOTES.md"),
            // Its own, not the default /tmp/leopass-restore: run ids start at 1 in every recovery
            // database, so another cluster on this machine would share run-2/ with the demo.
            ["RESTORE_WORK_DIR"] = Path.Combine(directory, "restore"),
            // Stand-ins for `npx prisma migrate deploy` and the npm smoke tests, which need the LeoPass app.
            ["MIGRATIONS_COMMAND"] = "psql \"$DATABASE_URL\" -v ON_ERROR_STOP=1 -qc 'ALTER TABLE scans ADD COLUMN IF NOT EXISTS device text'",
            ["SMOKE_TEST_COMMANDS"] = "psql \"$DATABASE_URL\" -v ON_ERROR_STOP=1 -qc 'SELECT count(*) FROM tickets JOIN events ON events.id = tickets.event_id'",
            // Stand-ins for production's traffic switches, DNS and services, owned by the demo, so that
            // incident-restore and dr-rehearsal run every step here too: a pretend Cloudflare zone
            // (cloudflare/zone.json, served by the demo's stand-in) takes the quarantine's maintenance
            // rule and the DNS failover of app.leopass.demo from 192.0.2.10 to 192.0.2.20 (documentation
            // addresses: nothing real moves); the quarantine "pauses the workers" by writing a line to
            // workers.log, and step 6 "repoints the services" by writing DATABASE_URL into services.env.
            ["CLOUDFLARE_API_BASE_URL"] = cloudflare.ApiBaseUrl,
            ["CLOUDFLARE_API_TOKEN"] = cloudflare.Token,
            ["CLOUDFLARE_ZONE_ID"] = cloudflare.ZoneId,
            ["DNS_FAILOVER_RECORDS"] = $$"""[{"name":"{{DemoCloudflare.AppName}}","type":"A","content":"{{DemoCloudflare.StandbyAddress}}","ttl":60}]""",
            ["WORKER_PAUSE_COMMAND"] = $"echo \"pause (run $LEOPASS_RUN_ID)\" >> {ShellQuote(Path.Combine(directory, "workers.log"))}",
            ["WORKER_RESUME_COMMAND"] = $"echo \"resume (run $LEOPASS_RUN_ID)\" >> {ShellQuote(Path.Combine(directory, "workers.log"))}",
            ["SERVICES_ENV_FILE"] = Path.Combine(directory, "services.env"),
            ["LEOPASS_LISTEN_URL"] = listenUrl,
            ["LEOPASS_PUBLIC_URL"] = PublicUrl(listenUrl),
            ["LEOPASS_SCHEDULER_NAME"] = "leopass-demo",
        };
        await File.WriteAllLinesAsync(Path.Combine(directory, "demo.env"),
            environment.Where(kv => kv.Value is not null).Select(kv => $"export {kv.Key}='{kv.Value?.Replace("'", "'\\''", StringComparison.Ordinal)}'"), cancellationToken);
        File.SetUnixFileMode(Path.Combine(directory, "demo.env"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return environment;
    }

    private static string ShellQuote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static CliWrap.Command Self(IReadOnlyDictionary<string, string?> environment, string[] arguments) =>
        CliWrap.Cli.Wrap(Environment.ProcessPath ?? "dotnet")
            .WithArguments([typeof(DemoCommand).Assembly.Location, .. arguments])
            .WithEnvironmentVariables(environment)
            .WithValidation(CommandResultValidation.None);

    private static async Task<int> SelfAsync(IReadOnlyDictionary<string, string?> environment, CancellationToken cancellationToken, params string[] arguments)
    {
        var result = await Self(environment, arguments)
            .WithStandardOutputPipe(PipeTarget.ToStream(Console.OpenStandardOutput()))
            .WithStandardErrorPipe(PipeTarget.ToStream(Console.OpenStandardError()))
            .ExecuteAsync(cancellationToken);
        return result.ExitCode;
    }

    private static async Task<BufferedCommandResult> SelfBufferedAsync(IReadOnlyDictionary<string, string?> environment, CancellationToken cancellationToken, params string[] arguments) =>
        await Self(environment, arguments).ExecuteBufferedAsync(cancellationToken);
}
