using System.Text.RegularExpressions;
using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.EndToEnd.Tests.Readme;

/// <summary>
/// README.md is the newcomer's first contact: every command, option and variable it names must
/// exist. Commands and options are checked against the CLI's own --help; variables against the
/// code that reads them.
/// </summary>
public partial class ReadmeTruthTests
{
    private static readonly string Readme = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "README.md"));

    // [ \t], not \s: a command line ends at the end of its line.
    [GeneratedRegex(@"leopass-recovery((?:[ \t]+[a-z][a-z-]*)+)((?:[ \t]+(?:--[a-z-]+|[^\s|`]+))*)")]
    private static partial Regex CommandLine();

    /// <summary>The first cell of each row of the Commands table, e.g. "`run skip <id> --step S` / `run abort <id>`".</summary>
    [GeneratedRegex(@"^\|\s*(`[a-z].*?)\s\|", RegexOptions.Multiline)]
    private static partial Regex CommandTableCell();

    /// <summary>Every command line the README shows: in code, and in the Commands table (without the program name).</summary>
    private static IEnumerable<Match> CommandLines()
    {
        var commandsSection = Readme[Readme.IndexOf("## Commands", StringComparison.Ordinal)..];
        commandsSection = commandsSection[..commandsSection.IndexOf("\n## ", 5, StringComparison.Ordinal)];
        var fromTable = CommandTableCell().Matches(commandsSection)
            .SelectMany(cell => Regex.Matches(cell.Groups[1].Value, "`([^`]+)`").Select(span => "leopass-recovery " + span.Groups[1].Value.Replace("\\|", "|", StringComparison.Ordinal)));
        return CommandLine().Matches(Readme).Concat(fromTable.SelectMany(line => CommandLine().Matches(line)));
    }

    [GeneratedRegex(@"^\|\s*`([A-Z][A-Z0-9_]+)`\s*\|", RegexOptions.Multiline)]
    private static partial Regex VariableRow();

    [GeneratedRegex(@"^\s{2}([a-z][a-z-]*)\b", RegexOptions.Multiline)]
    private static partial Regex HelpCommandName();

    private static readonly Dictionary<string, Task<CliResult>> HelpCache = [];

    private static Task<CliResult> HelpAsync(IReadOnlyList<string> path)
    {
        var key = string.Join(' ', path);
        lock (HelpCache)
        {
            if (!HelpCache.TryGetValue(key, out var help))
            {
                HelpCache[key] = help = CliRunner.RunAsync(new Dictionary<string, string?>(), TimeSpan.FromMinutes(3), [.. path, "--help"]);
            }
            return help;
        }
    }

    private static IReadOnlyList<string> SubcommandsIn(string help)
    {
        var at = help.IndexOf("Commands:", StringComparison.Ordinal);
        return at < 0 ? [] : HelpCommandName().Matches(help[at..]).Select(m => m.Groups[1].Value).ToList();
    }

    [Fact]
    public async Task Every_command_and_option_the_readme_names_exists_in_the_cli()
    {
        var problems = new List<string>();
        var checkedCommands = 0;
        foreach (var match in CommandLines())
        {
            var words = match.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var path = new List<string>();
            foreach (var word in words)
            {
                var help = await HelpAsync(path);
                if (!SubcommandsIn(help.StandardOutput).Contains(word)) break;
                path.Add(word);
            }
            if (path.Count == 0)
            {
                problems.Add($"`leopass-recovery {words[0]}`: no such command");
                continue;
            }
            var leafHelp = await HelpAsync(path);
            if (SubcommandsIn(leafHelp.StandardOutput).Count > 0 && path.Count < words.Length && !leafHelp.StandardOutput.Contains('<'))
            {
                problems.Add($"`leopass-recovery {string.Join(' ', words)}`: '{words[path.Count]}' is not a subcommand of `{string.Join(' ', path)}`");
            }
            foreach (var option in Regex.Matches(match.Groups[2].Value, @"--[a-z][a-z-]+").Select(m => m.Value).Distinct())
            {
                if (!leafHelp.StandardOutput.Contains(option, StringComparison.Ordinal))
                {
                    problems.Add($"`leopass-recovery {string.Join(' ', path)}` has no option {option}");
                }
            }
            checkedCommands++;
        }
        Assert.True(checkedCommands >= 10, $"expected the README to show the commands; found {checkedCommands}");
        Assert.True(problems.Count == 0, "README names what the CLI does not have:\n" + string.Join('\n', problems.Distinct()));
    }

    [Fact]
    public void Every_variable_in_the_configuration_table_is_read_by_the_product()
    {
        var variables = VariableRow().Matches(Readme).Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.True(variables.Count >= 15, $"expected the configuration table; found {variables.Count} variables");
        var sources = Directory.EnumerateFiles(Path.Combine(RepositoryRoot.Path, "src"), "*.cs", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Path.Combine(RepositoryRoot.Path, "workflows"), "*.json"))
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .Select(File.ReadAllText)
            .ToList();
        var unread = variables.Where(v => !sources.Any(s => s.Contains($"\"{v}\"", StringComparison.Ordinal) || s.Contains("${" + v, StringComparison.Ordinal))).ToList();
        Assert.True(unread.Count == 0, "README documents variables no code reads: " + string.Join(", ", unread));
    }

    [GeneratedRegex(@"After (\d+) failed authentications from one address within (\d+) minutes, that address is answered `429` with `Retry-After`, for (\d+) s doubling with each further failure up to (\d+) min; at most ([\d ]+) addresses are tracked")]
    private static partial Regex RateLimitSentence();

    [Fact]
    public void The_readme_rate_limit_text_matches_the_limiter()
    {
        var text = Regex.Replace(Readme, @"\s+", " ");
        var match = RateLimitSentence().Match(text);
        var at = text.IndexOf("failed authentications", StringComparison.Ordinal);
        Assert.True(match.Success, "README's HTTP API section must state the failed-authentication limit in the checked form; it says: " + (at < 0 ? "nothing" : text.Substring(Math.Max(0, at - 20), 220)));
        var failures = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var defaults = new LeoPass.Recovery.Server.Tokens.AuthFailureOptions();
        Assert.Equal(TimeSpan.FromMinutes(int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)), defaults.Window);
        Assert.Equal(TimeSpan.FromSeconds(int.Parse(match.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture)), defaults.FirstLockout);
        Assert.Equal(TimeSpan.FromMinutes(int.Parse(match.Groups[4].Value, System.Globalization.CultureInfo.InvariantCulture)), defaults.MaxLockout);
        Assert.Equal(int.Parse(match.Groups[5].Value.Replace(" ", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture), defaults.MaxClients);

        // The behaviour, not only the setting: N-1 failures leave the address alone, the N-th locks it out.
        var address = System.Net.IPAddress.Parse("192.0.2.1");
        var limiter = new LeoPass.Recovery.Server.Tokens.AuthFailureLimiter(defaults, TimeProvider.System);
        for (var i = 0; i < failures - 1; i++) limiter.RecordFailure(address);
        Assert.Null(limiter.RetryAfter(address));
        limiter.RecordFailure(address);
        Assert.NotNull(limiter.RetryAfter(address));

        // The limiter's own comment says the same number.
        var comment = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "src", "LeoPass.Recovery.Server", "Tokens", "AuthFailureLimiter.cs"));
        Assert.Contains($"({failures} by default)", comment, StringComparison.Ordinal);
        Assert.Contains($"after {failures} failures the {failures + 1}th request is refused", comment, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^\|\s*`([A-Z][A-Z0-9_]+)`\s*\|[^|\n]*\|[^\n]*\(secret\b", RegexOptions.Multiline)]
    private static partial Regex SecretVariableRow();

    [Fact]
    public void Every_variable_the_readme_calls_secret_is_masked()
    {
        var secret = SecretVariableRow().Matches(Readme).Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.True(secret.Count >= 5, $"expected the configuration table to mark secrets; found {string.Join(", ", secret)}");
        var unmasked = new List<string>();
        foreach (var name in secret)
        {
            var token = "Tok" + Guid.NewGuid().ToString("N");
            var value = name.EndsWith("_URL", StringComparison.Ordinal) || name.EndsWith("_DSN", StringComparison.Ordinal)
                ? $"https://{token}@hooks.example.invalid/api/push/{token}?status=up&msg=OK"
                : token;
            var env = new Dictionary<string, string?> { [name] = value };
            if (name == "CLOUDFLARE_API_TOKEN") env["CLOUDFLARE_ZONE_ID"] = "zone";
            var settings = LeoPass.Recovery.Core.Configuration.RecoverySettings.Load(new LeoPass.Recovery.Core.Configuration.EnvironmentReader(env));
            var redactor = new LeoPass.Recovery.Core.Secrets.SecretRedactor();
            redactor.AddRange(settings.Secrets());
            var text = redactor.Redact($"{name}={value}; json: {System.Text.Json.JsonSerializer.Serialize(value)}; token alone: {token}");
            if (text.Contains(token, StringComparison.Ordinal) || text.Contains("example.invalid", StringComparison.Ordinal)) unmasked.Add($"{name}: {text}");
        }
        Assert.True(unmasked.Count == 0, "README calls these secret, but they are shown:\n" + string.Join('\n', unmasked));
    }

    [GeneratedRegex(@"^\| `(?<code>\d+)` \| (?<meaning>.+?) \|$", RegexOptions.Multiline)]
    private static partial Regex ExitCodeRow();

    [Fact]
    public async Task The_readme_exit_codes_are_the_ones_the_cli_returns()
    {
        var at = Readme.IndexOf("Exit codes, the same for every command:", StringComparison.Ordinal);
        Assert.True(at >= 0, "README must list the exit codes in a table after 'Exit codes, the same for every command:'");
        var tableText = Readme[at..Readme.IndexOf("A failure prints", at, StringComparison.Ordinal)];
        var codes = ExitCodeRow().Matches(tableText)
            .ToDictionary(m => int.Parse(m.Groups["code"].Value, System.Globalization.CultureInfo.InvariantCulture), m => m.Groups["meaning"].Value);
        Assert.Equal(new[] { 0, 1, 2, 3, 126, 130 }, codes.Keys.Order());
        Assert.Contains("success", codes[0], StringComparison.Ordinal);
        Assert.Contains("failed", codes[1], StringComparison.Ordinal);
        Assert.Contains("refused", codes[2], StringComparison.Ordinal);
        Assert.Contains("approval gate", codes[3], StringComparison.Ordinal);
        Assert.Contains("wal fetch", codes[126], StringComparison.Ordinal);
        Assert.Contains("interrupted", codes[130], StringComparison.Ordinal);

        // What each documented case returns from the CLI process. 3 (a run waiting at a gate) is
        // DemoTests' incident restore; 130 is Cli.Tests' CtrlCTests; 126 (a shipped WAL file that cannot be restored) is not caused here.
        var nothing = new Dictionary<string, string?>();
        var help = await CliRunner.RunAsync(nothing, TimeSpan.FromMinutes(3), "--help");
        Assert.True(help.ExitCode == 0, help.ToString());

        var badArguments = await CliRunner.RunAsync(nothing, TimeSpan.FromMinutes(3), "backup", "list", "--no-such-option");
        Assert.True(badArguments.ExitCode == 2, "an unknown option is refused bad arguments: " + badArguments);
        var impossibleRequest = await CliRunner.RunAsync(nothing, TimeSpan.FromMinutes(3), "run", "start", "restore-drill", "--param", "confirm");
        Assert.True(impossibleRequest.ExitCode == 2, impossibleRequest.ToString());
        Assert.Contains("error: --param 'confirm' is not name=value", impossibleRequest.StandardError, StringComparison.Ordinal);
        var badConfiguration = await CliRunner.RunAsync(nothing, TimeSpan.FromMinutes(3), "run", "list");
        Assert.True(badConfiguration.ExitCode == 2, "missing configuration is a refusal: " + badConfiguration);
        Assert.Contains("RECOVERY_DATABASE_URL", badConfiguration.StandardError, StringComparison.Ordinal);

        await using var env = await CliBackupEnvironment.CreateAsync(useS3: false, rows: 10);
        env.Variables["DATABASE_URL"] = $"postgresql://app:pw@127.0.0.1:{FreePort.Next()}/leopass";
        var failed = await env.RunAsync("backup", "run");
        Assert.True(failed.ExitCode == 1, "work that failed: " + failed);
    }
}
