using System.Net;
using System.Text.Json.Nodes;
using System.Text;
using LeoPass.Recovery.Server.Errors;
using LeoPass.Recovery.Server.Roles;
using LeoPass.Recovery.Server.Tests.Support;
using LeoPass.Recovery.Server.Tokens;
using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.Server.Tests;

[Collection(ApiCollection.Name)]
public sealed class SecretTests(ApiHost host)
{
    [Fact]
    public async Task No_response_log_line_or_problem_detail_contains_a_secret()
    {
        var password = new Npgsql.NpgsqlConnectionStringBuilder(host.Database.ConnectionString).Password!;
        var seen = new StringBuilder();
        async Task Call(HttpClient client, HttpMethod method, string path, object? body = null)
        {
            using var request = new HttpRequestMessage(method, path);
            if (body is not null) request.Content = new StringContent(body as string ?? System.Text.Json.JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
            using var response = await client.SendAsync(request);
            seen.AppendLine(response.ToString()).AppendLine(await response.Content.ReadAsStringAsync());
        }

        // A step fails with a secret in its error (the run parameter is echoed by the activity).
        var leaky = await host.Operator.StartAsync(TestDefinitions.Leaky, new { label = $"postgres:{password}@db with key {ApiHost.StorageSecret} and {host.AdminToken}" });
        await host.Operator.WaitForAsync(leaky, "Halted");
        await Call(host.Viewer, HttpMethod.Get, $"/api/runs/{leaky}");
        await Call(host.Viewer, HttpMethod.Get, $"/api/runs/{leaky}/report");
        await Call(host.Viewer, HttpMethod.Get, $"/api/runs/{leaky}/report.md");
        await Call(host.Viewer, HttpMethod.Get, "/api/runs");
        await Call(host.Viewer, HttpMethod.Get, "/api/status");
        // Secrets sent in requests that fail: as a token, inside bodies, as unknown parameters.
        await Call(host.Client(host.RevokedToken), HttpMethod.Get, "/api/runs");
        await Call(host.Client(host.AdminToken + "x"), HttpMethod.Get, "/api/runs");
        await Call(host.Viewer, HttpMethod.Post, "/api/runs", new { definition = TestDefinitions.Drill, parameters = new Dictionary<string, string> { [host.OperatorToken] = password } });
        await Call(host.Operator, HttpMethod.Post, "/api/runs", new { definition = TestDefinitions.Drill, parameters = new Dictionary<string, string> { [host.OperatorToken] = password } });
        await Call(host.Operator, HttpMethod.Post, "/api/runs", new { definition = $"drill-{ApiHost.Passphrase}" });
        await Call(host.Admin, HttpMethod.Post, "/api/definitions/validate", $$"""{"id":"x","version":1,"title":"{{ApiHost.StorageSecret}}","trigger":{"type":"manual"},"steps":[{"id":"a","activity":"{{host.ViewerToken}}"}]}""");
        await Call(host.Operator, HttpMethod.Post, $"/api/runs/{leaky}/skip", new { step = password, reason = host.AdminToken });
        await Call(host.Client(null), HttpMethod.Get, "/health/ready");

        var responses = seen.ToString();
        var log = host.Log;
        Assert.Contains("***", responses, StringComparison.Ordinal);
        Assert.Contains("connection failed for", responses, StringComparison.Ordinal);
        foreach (var secret in host.Secrets)
        {
            Assert.DoesNotContain(secret, responses, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, log, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("Authorization", log, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Bearer lpr_", log, StringComparison.Ordinal);
        Assert.Contains("authentication failed", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_variable_the_readme_calls_secret_is_masked_in_step_outputs_problem_details_and_logs()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(LeoPass.Recovery.TestSupport.RepositoryRoot.Path, "README.md"));
        var marked = System.Text.RegularExpressions.Regex.Matches(readme, @"^\|\s*`([A-Z][A-Z0-9_]+)`\s*\|[^|\n]*\|[^\n]*\(secret\b", System.Text.RegularExpressions.RegexOptions.Multiline)
            .Select(m => m.Groups[1].Value).Order().ToList();
        Assert.True(marked.Count >= 5, $"expected README's configuration table to mark secrets; found {string.Join(", ", marked)}");
        Assert.Equal(marked, ApiHost.SecretVariables.Keys.Order().ToList());

        foreach (var (name, value) in ApiHost.SecretVariables)
        {
            var token = ApiHost.SecretTokens.GetValueOrDefault(name);
            var leaked = token is null ? [value] : new[] { value, token };
            var echoed = $"{name}={value}{(token is null ? "" : $" (token alone: /api/push/{token})")}";

            // A step output that echoes its environment, through the run view and the journal.
            var echo = await host.Operator.StartAsync(TestDefinitions.Echo, new { label = echoed });
            var finished = await host.Operator.WaitForAsync(echo, "Succeeded");
            var (_, journal) = await host.Viewer.GetJsonAsync($"/api/runs/{echo}");
            var output = Strings(journal!);
            Assert.Contains(output, text => text.Contains($"environment: {name}=***", StringComparison.Ordinal));
            // A problem detail that quotes what it was sent.
            var (status, problem) = await host.Operator.PostJsonAsync("/api/runs", new { definition = $"drill {value}" });
            Assert.Equal(HttpStatusCode.NotFound, status);
            // A step error, which the engine also logs.
            var leaky = await host.Operator.StartAsync(TestDefinitions.Leaky, new { label = echoed });
            await host.Operator.WaitForAsync(leaky, "Halted");
            var (_, halted) = await host.Viewer.GetJsonAsync($"/api/runs/{leaky}");
            Assert.Contains(Strings(halted!), text => text.Contains($"connection failed for {name}=***", StringComparison.Ordinal));

            foreach (var secret in leaked)
            {
                foreach (var text in output.Concat(Strings(finished)).Concat(Strings(problem!)).Concat(Strings(halted!)).Append(host.Log))
                {
                    Assert.False(text.Contains(secret, StringComparison.Ordinal), $"{name}: '{secret}' shown in: {text}");
                }
            }
        }
    }

    /// <summary>
    /// A secret planted where people and libraries put text — a connection string in a step's error
    /// (which halts the run: the halt reason), a run parameter echoed into a step's output, an abort
    /// reason — reaches no answer of any GET route (the routes the app serves, so a new one is read
    /// too) and no log line. One with a password this server was never configured with is masked
    /// as well: it is written the way credentials are written.
    /// </summary>
    [Fact]
    public async Task A_secret_planted_in_an_error_a_parameter_and_a_reason_reaches_no_GET_route_and_no_log_line()
    {
        var password = new Npgsql.NpgsqlConnectionStringBuilder(host.Database.ConnectionString).Password!;
        const string Unconfigured = "n3ver-configured-pw-4d2a";
        var connection = $"Host=db.internal;Username=leopass;Password={password};Database=prod";
        var planted = $"{connection} or postgresql://leopass:{Unconfigured}@db.internal/prod";

        var halted = await host.Operator.StartAsync(TestDefinitions.Leaky, new { label = planted });
        await host.Operator.WaitForAsync(halted, "Halted");
        var echoed = await host.Operator.StartAsync(TestDefinitions.Echo, new { label = planted });
        await host.Operator.WaitForAsync(echoed, "Succeeded");
        var aborted = await host.Operator.StartAsync(TestDefinitions.Leaky, new { label = "nothing secret" });
        await host.Operator.WaitForAsync(aborted, "Halted");
        Assert.Equal(HttpStatusCode.OK, (await host.Operator.PostJsonAsync($"/api/runs/{aborted}/abort", new { reason = $"gave up: {planted}" })).Status);

        var answers = new StringBuilder();
        var read = new List<string>();
        using var viewer = host.Viewer;
        foreach (var route in ApiRoutes.All(host.Services).Where(r => r.Method == "GET"))
        {
            var paths = route.RouteParameters.Count == 0
                ? [route.Path(_ => "")]
                : route.RouteParameters.Contains("key") ? [route.Path(_ => "latest")]
                : Boundary.InputRules.IsIdRoute(route.Endpoint, route.RouteParameters[0]) ? new[] { halted, echoed, aborted }.Select(id => route.Path(_ => id.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray()
                : [route.Path(_ => TestDefinitions.Leaky), route.Path(_ => TestDefinitions.Echo)];
            foreach (var path in paths)
            {
                using var response = await viewer.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
                answers.AppendLine(path).AppendLine(await ReadAsync(response));
                read.Add($"{(int)response.StatusCode} {path}");
            }
        }

        var text = answers.ToString();
        Assert.Contains(read, r => r.StartsWith("200 /api/runs/", StringComparison.Ordinal) && r.EndsWith("/report.md", StringComparison.Ordinal));
        Assert.Contains("Password=***", text, StringComparison.Ordinal);
        Assert.Contains("postgresql://leopass:***@db.internal", text, StringComparison.Ordinal);
        foreach (var secret in new[] { password, Unconfigured, connection, planted })
        {
            Assert.False(text.Contains(secret, StringComparison.Ordinal), $"'{secret}' answered by GET:\n{string.Join("\n", read)}");
            Assert.False(host.Log.Contains(secret, StringComparison.Ordinal), $"'{secret}' logged");
        }
    }

    /// <summary>
    /// A secret planted in a backup run's failure reaches Sentry's envelope masked: a halted backup
    /// run is alerted to SENTRY_DSN (the recording stand-in), with the step's error as the event's
    /// message, exception and breadcrumbs. No byte of a secret is in what Sentry received (body and
    /// headers; the auth header carries the DSN's public key, which is Sentry's to know).
    /// </summary>
    [Fact]
    public async Task A_secret_planted_in_a_backup_runs_failure_reaches_no_Sentry_envelope()
    {
        var password = new Npgsql.NpgsqlConnectionStringBuilder(host.Database.ConnectionString).Password!;
        const string Unconfigured = "n3ver-configured-sentry-pw-8e1f";
        var connection = $"Host=db.internal;Username=leopass;Password={password};Database=prod";
        var planted = $"{connection} or postgresql://leopass:{Unconfigured}@db.internal/prod, key {ApiHost.StorageSecret}, token {host.AdminToken}";
        // A backup run (it has a backup.* step) whose first step fails with the parameter in its error.
        const string LeakyBackup = "api-leaky-backup";
        await host.PublishAsync(TestDefinitions.Definition(LeakyBackup,
            TestDefinitions.Step("dump-upload", "diagnostics.fail-until", new() { ["succeedOnAttempt"] = 0, ["message"] = "pg_dump failed for ${run.label}" }),
            TestDefinitions.Step("notify", "backup.notify")));

        var run = await host.Operator.StartAsync(LeakyBackup, new { label = planted });
        await host.Operator.WaitForAsync(run, "Halted");
        var envelopePath = $"/api/{ApiHost.SentryProject}/envelope/";
        var runMark = $"{LeakyBackup} run {run} FAILED";
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        RecordedRequest? envelope;
        while ((envelope = ApiHost.Sentry.RequestsTo(envelopePath).FirstOrDefault(r => r.Body.Contains(runMark, StringComparison.Ordinal))) is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        Assert.True(envelope is not null, $"no Sentry envelope for run {run}; Sentry received {ApiHost.Sentry.Requests.Count} request(s)");

        // The failure's text arrived, masked: the event says what broke without the credentials.
        Assert.Contains("pg_dump failed for Host=db.internal;Username=leopass;Password=***", envelope.Body, StringComparison.Ordinal);
        var decoded = envelope.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries).SelectMany(line => Strings(JsonNode.Parse(line)!)).ToList();
        var headers = string.Join("\n", envelope.Headers.Select(h => $"{h.Key}: {h.Value}"));
        foreach (var secret in new[] { password, Unconfigured, ApiHost.StorageSecret, host.AdminToken, connection, planted })
        {
            Assert.False(envelope.Body.Contains(secret, StringComparison.Ordinal), $"'{secret}' sent to Sentry:\n{envelope.Body}");
            Assert.DoesNotContain(decoded, text => text.Contains(secret, StringComparison.Ordinal));
            Assert.False(headers.Contains(secret, StringComparison.Ordinal), $"'{secret}' in a header sent to Sentry:\n{headers}");
        }
    }

    /// <summary>The body, or for the event stream (which never ends) what it sends up to its ready event.</summary>
    private static async Task<string> ReadAsync(HttpResponseMessage response)
    {
        if (response.Content.Headers.ContentType?.MediaType != "text/event-stream") return await response.Content.ReadAsStringAsync();
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var buffer = new byte[64 * 1024];
        var seen = new StringBuilder();
        await using var stream = await response.Content.ReadAsStreamAsync();
        int n;
        while (!seen.ToString().Contains("event: ready", StringComparison.Ordinal) && (n = await stream.ReadAsync(buffer, patience.Token)) > 0)
        {
            seen.Append(Encoding.UTF8.GetString(buffer, 0, n));
        }
        return seen.ToString();
    }

    /// <summary>Every string in the answer, decoded, and the strings inside strings that are JSON themselves (a step's output).</summary>
    private static List<string> Strings(JsonNode node)
    {
        var found = new List<string> { node.ToJsonString() };
        void Walk(JsonNode? n)
        {
            switch (n)
            {
                case JsonObject o: foreach (var (_, v) in o) Walk(v); break;
                case JsonArray a: foreach (var v in a) Walk(v); break;
                case JsonValue v when v.TryGetValue<string>(out var text):
                    found.Add(text);
                    if (text.StartsWith('{') || text.StartsWith('['))
                    {
                        try { Walk(JsonNode.Parse(text)); } catch (System.Text.Json.JsonException) { }
                    }
                    break;
            }
        }
        Walk(node);
        return found;
    }

    [Fact]
    public void Anything_token_shaped_is_masked_even_if_unknown()
    {
        var token = TokenFormat.NewToken();
        Assert.Equal("sent lpr_*** twice: lpr_***", ApiRedactor.Redact($"sent {token} twice: {token}"));
    }

    [Fact]
    public async Task Only_the_hash_of_a_token_is_stored()
    {
        var created = await host.Tokens.CreateAsync("hash-only", ApiRole.Viewer, "test");
        await using var db = host.Tokens.Open();
        var stored = db.Tokens.Single(t => t.Name == "hash-only");
        Assert.Equal(TokenFormat.Hash(created.Token), stored.Hash);
        Assert.DoesNotContain(created.Token, stored.Hash + stored.Prefix, StringComparison.Ordinal);
        Assert.Equal(created.Token[..8], stored.Prefix);
        Assert.StartsWith("lpr_", created.Token, StringComparison.Ordinal);
        Assert.True(created.Token.Length >= 40);
        Assert.NotEqual(created.Token, (await host.Tokens.CreateAsync("hash-only-2", ApiRole.Viewer, "test")).Token);
    }
}
