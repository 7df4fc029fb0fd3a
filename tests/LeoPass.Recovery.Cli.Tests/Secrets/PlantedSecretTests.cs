using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.Cli.Tests.Secrets;

/// <summary>
/// A secret planted where people and libraries put text — a connection string with a password in a
/// step's error (which halts the run: the halt reason), a run parameter echoed into a step's output,
/// an abort reason — reaches no byte of stdout or stderr of any command, with --json and without.
/// The passwords were never configured: they are masked because they are written the way credentials
/// are written. The commands are read from the CLI's own --help, so a new command is covered or this test fails.
/// </summary>
public sealed class PlantedSecretTests
{
    private const string PlantedPassword = "n3ver-configured-pw-4d2a";
    private const string PlantedUrlPassword = "url-pw-never-configured-77c1";
    private static readonly string Connection = $"Host=db.internal;Username=leopass;Password={PlantedPassword};Database=prod";
    private static readonly string Planted = $"{Connection} or postgresql://leopass:{PlantedUrlPassword}@db.internal/prod";

    /// <summary>Commands this test does not run, each with the reason; everything else --help lists must be in the table below.</summary>
    private static readonly Dictionary<string, string> NotRunHere = new(StringComparer.Ordinal)
    {
        ["server"] = "serves until stopped; SecretMaskingTests runs it and reads its whole output",
        ["demo"] = "builds a PostgreSQL cluster and runs the other commands as child processes; DemoTests runs it",
    };

    [Fact]
    public async Task A_secret_planted_in_an_error_a_parameter_and_a_reason_reaches_no_output_of_any_command_with_json_or_without()
    {
        await using var env = await CliBackupEnvironment.CreateAsync(useS3: false, rows: 20);
        await using var target = await PostgresServer.CreateDatabaseAsync("planted");
        var work = Directory.CreateTempSubdirectory("leopass-planted-").FullName;
        try
        {
            PublishDiagnosticWorkflows(env, work);
            var configured = new Npgsql.NpgsqlConnectionStringBuilder(env.Source.ConnectionString).Password!;
            string[] secrets = [PlantedPassword, PlantedUrlPassword, Connection, Planted, configured, CliBackupEnvironment.Passphrase, "kumatoken77", "sentrykey4242"];

            Assert.Equal(0, (await env.RunAsync("backup", "run", "--json")).ExitCode);
            var leaky = RunId(await env.RunAsync("run", "start", "cli-leaky", "--param", $"label={Planted}", "--wait", "--json"));
            var echoed = RunId(await env.RunAsync("run", "start", "cli-echo", "--param", $"label={Planted}", "--wait", "--json"));
            var aborted = RunId(await env.RunAsync("run", "start", "cli-leaky", "--param", "label=nothing secret", "--wait", "--json"));
            Assert.Equal(0, (await env.RunAsync("run", "abort", aborted, "--reason", $"gave up: {Planted}")).ExitCode);
            var restoreTarget = PostgresConnectionString(target, "planted_plain");

            var table = new Dictionary<string, string[][]>(StringComparer.Ordinal)
            {
                ["backup run"] = [["backup", "run"]],
                ["backup list"] = [["backup", "list"]],
                ["backup verify"] = [["backup", "verify", "latest"]],
                ["backup prune"] = [["backup", "prune", "--dry-run"]],
                ["backup restore"] = [["backup", "restore", "latest", "--target-database-url", restoreTarget]],
                ["run start"] = [["run", "start", "cli-echo", "--param", $"label={Planted}", "--wait"], ["run", "start", "cli-leaky", "--param", $"label={Planted}", "--dry-run"]],
                ["run status"] = [["run", "status", leaky], ["run", "status", echoed], ["run", "status", aborted]],
                ["run list"] = [["run", "list"]],
                ["run journal"] = [["run", "journal", leaky], ["run", "journal", echoed], ["run", "journal", aborted]],
                ["run retry"] = [["run", "retry", leaky, "--wait"]],
                ["run resume"] = [["run", "resume", leaky, "--wait"]],
                ["run skip"] = [["run", "skip", aborted, "--step", "fail", "--reason", Planted]],
                ["run abort"] = [["run", "abort", aborted, "--reason", Planted]],
                ["run approve"] = [["run", "approve", leaky, "--step", "fail", "--note", Planted]],
                ["run reject"] = [["run", "reject", leaky, "--step", "fail", "--note", Planted]],
                ["run report"] = [["run", "report", leaky], ["run", "report", echoed], ["run", "report", aborted]],
                ["drill start"] = [["drill", "start", "--notes", Planted, "--backup", Planted]],
                ["wal fetch"] = [["wal", "fetch", "000000010000000000000001", Path.Combine(work, "wal")]],
                ["keys generate"] = [["keys", "generate", "--out", Path.Combine(work, "keys"), "--user-id", Planted]],
                ["token create"] = [["token", "create", "--name", "planted", "--role", "viewer"], ["token", "create", "--name", Planted, "--role", "viewer"]],
                ["token list"] = [["token", "list", "--all"]],
                ["token revoke"] = [["token", "revoke", "planted"], ["token", "revoke", Planted]],
                ["bench engine"] = [["bench", "engine", "--definition", Planted]],
                ["bench pickup"] = [["bench", "pickup", "--definition", Planted]],
            };
            // Hidden commands (bench) are not in --help; the table runs them all the same.
            var uncovered = (await LeafCommandsAsync(env)).Where(c => !table.ContainsKey(c) && !NotRunHere.ContainsKey(c)).ToList();
            Assert.True(uncovered.Count == 0, $"commands this test does not run: {string.Join(", ", uncovered)}");

            var failures = new List<string>();
            var shown = new System.Text.StringBuilder();
            foreach (var (name, invocations) in table)
            {
                foreach (var invocation in invocations)
                {
                    foreach (var json in new[] { false, true })
                    {
                        // keys generate refuses an existing directory: each run its own.
                        string[] args = [.. invocation.Select(a => a == Path.Combine(work, "keys") ? Path.Combine(work, $"keys-{json}") : a), .. json ? ["--json"] : Array.Empty<string>()];
                        var result = await env.RunAsync(args);
                        shown.AppendLine(result.AllOutput);
                        failures.AddRange(secrets.Where(s => result.AllOutput.Contains(s, StringComparison.Ordinal))
                            .Select(s => $"{name}{(json ? " --json" : "")} shows '{s}':\n{result}"));
                    }
                }
            }
            Assert.True(failures.Count == 0, string.Join("\n\n", failures));
            // The planted text was shown, masked: the commands did print it.
            Assert.Contains("Password=***", shown.ToString(), StringComparison.Ordinal);
            Assert.Contains("postgresql://leopass:***@db.internal", shown.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            await PostgresServer.DropDatabaseAsync("planted_plain");
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>Every command --help lists, as "group command" (or "command" for one without subcommands).</summary>
    private static async Task<List<string>> LeafCommandsAsync(CliBackupEnvironment env)
    {
        var leaves = new List<string>();
        foreach (var group in Subcommands((await env.RunAsync("--help")).StandardOutput))
        {
            var children = Subcommands((await env.RunAsync(group, "--help")).StandardOutput);
            if (children.Count == 0) leaves.Add(group);
            else leaves.AddRange(children.Select(c => $"{group} {c}"));
        }
        return leaves;
    }

    private static List<string> Subcommands(string help)
    {
        var at = help.IndexOf("Commands:", StringComparison.Ordinal);
        if (at < 0) return [];
        return [.. Regex.Matches(help[at..], @"^  (?<name>[a-z][a-z-]*)\b", RegexOptions.Multiline).Select(m => m.Groups["name"].Value)];
    }

    /// <summary>The shipped workflows, and two of the engine's diagnostics activities: one fails quoting its parameter, one echoes it into its output.</summary>
    private static void PublishDiagnosticWorkflows(CliBackupEnvironment env, string work)
    {
        var workflows = Directory.CreateDirectory(Path.Combine(work, "workflows")).FullName;
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepositoryRoot.Path, "workflows"), "*.json")) File.Copy(file, Path.Combine(workflows, Path.GetFileName(file)));
        File.WriteAllText(Path.Combine(workflows, "cli-leaky.json"), Definition("cli-leaky", "fail", "diagnostics.fail-until", new JsonObject { ["succeedOnAttempt"] = 0, ["message"] = "connection failed for ${run.label}" }));
        File.WriteAllText(Path.Combine(workflows, "cli-echo.json"), Definition("cli-echo", "echo", "diagnostics.echo", new JsonObject { ["text"] = "environment: ${run.label}" }));
        env.Variables["LEOPASS_WORKFLOWS_DIR"] = workflows;
        env.Variables["LEOPASS_ENABLE_TEST_ACTIVITIES"] = "true";
    }

    private static string Definition(string id, string step, string activity, JsonObject parameters) => new JsonObject
    {
        ["id"] = id,
        ["version"] = 1,
        ["title"] = $"CLI secret test {id}",
        ["trigger"] = new JsonObject { ["type"] = "manual" },
        ["parameters"] = new JsonObject { ["label"] = new JsonObject { ["default"] = "from-run" } },
        ["steps"] = new JsonArray(new JsonObject
        {
            ["id"] = step, ["activity"] = activity, ["parameters"] = parameters, ["retry"] = new JsonObject { ["maxAttempts"] = 1, ["delay"] = "PT0S" },
        }),
    }.ToJsonString();

    private static string PostgresConnectionString(TestDatabase database, string name) =>
        Core.Configuration.PostgresConnectionString.ToUrl(Core.Configuration.PostgresConnectionString.WithDatabase(database.ConnectionString, name));

    private static string RunId(CliResult result)
    {
        using var json = JsonDocument.Parse(result.StandardOutput);
        return json.RootElement.GetProperty("id").GetInt64().ToString(CultureInfo.InvariantCulture);
    }
}
