using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using LeoPass.Recovery.Backup.Artefacts;
using LeoPass.Recovery.Core.Configuration;
using LeoPass.Recovery.Server.Boundary;
using LeoPass.Recovery.Server.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LeoPass.Recovery.Server.Tests;

/// <summary>
/// Malformed input is the caller's mistake: every route, driven with each kind of it, answers a 4xx
/// problem (never a 5xx, never a store's 502), and nothing is started, published or stored. The
/// routes come from the app itself, so a new endpoint is driven too.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class BoundaryTests(ApiHost host)
{
    /// <summary>Route values that name nothing that exists: a malformed request that slipped through would find nothing to act on.</summary>
    private const string NoSuchId = "987654321";
    private const string NoSuchName = "leopass-2000-01-01T000000Z-00000000.dump.zst.pgp";

    private static readonly string OverLong = new('a', 2000);

    [Fact]
    public async Task Every_route_answers_malformed_input_with_a_4xx_problem_and_changes_nothing()
    {
        var routes = ApiRoutes.All(host.Services);
        Assert.True(routes.Count >= 20, string.Join("\n", routes));
        var before = await StoredStateAsync();
        using var admin = host.Admin;
        var failures = new List<string>();
        var sent = 0;
        foreach (var route in routes)
        {
            foreach (var (kind, request) in Probes(route))
            {
                sent++;
                using (request)
                {
                    var failure = await SendAsync(admin, route, request, RefusedByKestrel(kind));
                    if (failure is not null) failures.Add($"{route} [{kind}]: {failure}");
                }
            }
        }
        Assert.True(sent > routes.Count * 5, $"only {sent} probes were sent");
        Assert.True(failures.Count == 0, $"{failures.Count} of {sent} malformed requests were not answered as the caller's mistake:\n{string.Join("\n", failures)}");
        Assert.Equal(before, await StoredStateAsync());
    }

    [Theory]
    [InlineData("/api/runs?definition=%00", "definition")]
    [InlineData("/api/runs?since=yesterday", "since")]
    [InlineData("/api/runs?limit=many", "limit")]
    [InlineData("/api/runs/0", "id")]
    [InlineData("/api/runs/-7/report", "id")]
    [InlineData("/api/definitions/..%2F..%2Fetc%2Fpasswd", "id")]
    [InlineData("/api/status/history?days=%00", "days")]
    public async Task A_malformed_value_is_a_400_that_names_the_parameter(string path, string parameter)
    {
        var (status, problem) = await host.Viewer.GetJsonAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(problem!["errors"]?[parameter] is JsonArray { Count: > 0 }, $"{path}: {problem}");
    }

    [Fact]
    public async Task A_backup_key_longer_than_the_format_allows_is_the_callers_400_not_the_stores_502()
    {
        Assert.Equal(ArtefactKey.MaxLength, ArtefactKey.ManifestOf(ArtefactKey.For(DateTimeOffset.UnixEpoch, CompressionKind.Zstd, "00000000")).Length);
        var key = "leopass-" + new string('k', 2000);
        foreach (var (status, problem) in new[] { await host.Viewer.GetJsonAsync($"/api/backups/{key}"), await host.Operator.PostJsonAsync($"/api/backups/{key}/verify") })
        {
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Contains("not a backup key", problem!["errors"]!["key"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        }
        // One character over the format's longest key is refused the same way; the longest itself is looked up (404).
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Viewer.GetJsonAsync($"/api/backups/{new string('k', ArtefactKey.MaxLength + 1)}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Viewer.GetJsonAsync($"/api/backups/{NoSuchName}.manifest.json")).Status);
    }

    [Fact]
    public async Task A_nul_in_a_body_is_refused_with_its_json_path_before_the_database_sees_it()
    {
        var (status, problem) = await host.Operator.PostJsonAsync("/api/runs", """{"definition":"api-drill","parameters":{"label":"a\u0000b"}}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.NotNull(problem!["errors"]!["parameters.label"]);
        var (tooLarge, _) = await host.Operator.PostJsonAsync("/api/runs", $$"""{"definition":"{{new string('a', InputRules.MaxBodyBytes + 1)}}"}""");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge);
    }

    /// <summary>Each kind of malformed input this route can be sent, each request carrying one mistake.</summary>
    private static IEnumerable<(string Kind, HttpRequestMessage Request)> Probes(ApiRoute route)
    {
        var writes = route.Method != HttpMethods.Get;
        // A request that writes carries a broken body too, so one that slipped past its own probe still starts nothing.
        HttpRequestMessage Request(string path, byte[]? body = null, string? contentType = "application/json")
        {
            body ??= writes ? "{\"broken\": "u8.ToArray() : null;
            var request = new HttpRequestMessage(new HttpMethod(route.Method), path);
            if (body is null) return request;
            request.Content = new ByteArrayContent(body);
            if (contentType is not null) request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType + "; charset=utf-8");
            return request;
        }
        string Filler(string name) => InputRules.IsIdRoute(route.Endpoint, name) ? NoSuchId : NoSuchName;

        foreach (var parameter in route.RouteParameters)
        {
            foreach (var (kind, value) in new[]
            {
                ("NUL byte", "a\0b"), ("over-long", OverLong), ("traversal", "../../etc/passwd"), ("backslash traversal", "..\\..\\windows"),
                ("absurd id 0", "0"), ("absurd id -1", "-1"), ("absurd id beyond long", "99999999999999999999"), ("not a number", "abc"),
                ("injection", "x' OR '1'='1"), ("control character", "a\u001bb"),
            })
            {
                yield return ($"route {parameter}: {kind}", Request(route.Path(p => p == parameter ? value : Filler(p))));
            }
        }

        var path = route.Path(Filler);
        foreach (var parameter in route.QueryParameters.Append("unknown"))
        {
            foreach (var (kind, value) in new[] { ("NUL byte", "%00"), ("over-long", OverLong), ("control character", "%1B") })
            {
                yield return ($"query {parameter}: {kind}", Request($"{path}?{parameter}={value}"));
            }
        }
        foreach (var parameter in route.QueryParameters)
        {
            foreach (var (kind, value) in new[] { ("wrong type", "abc"), ("absurd number", "99999999999999999999"), ("negative", "-5"), ("not a date", "2026-13-45T99:99"), ("traversal", "..%2F..%2Fetc%2Fpasswd"), ("injection", "x%27%20OR%201%3D1%20--") })
            {
                yield return ($"query {parameter}: {kind}", Request($"{path}?{parameter}={value}"));
            }
        }
        foreach (var header in route.HeaderParameters)
        {
            var request = Request(path);
            request.Headers.TryAddWithoutValidation(header, OverLong);
            yield return ($"header {header}: over-long", request);
        }

        if (!route.TakesJsonBody) yield break;
        var nested = new string('[', 5000) + new string(']', 5000);
        var nestedInObject = "{\"parameters\":" + string.Concat(Enumerable.Repeat("{\"a\":", 100)) + "1" + new string('}', 100) + "}";
        foreach (var (kind, body, type) in new[]
        {
            ("broken JSON", "{\"definition\": \"x\",", "application/json"),
            ("huge JSON", "{\"definition\":\"" + new string('a', 2 << 20) + "\"}", "application/json"),
            ("deeply nested JSON", nested, "application/json"),
            ("deeply nested object", nestedInObject, "application/json"),
            ("wrong types", """{"definition":5,"version":"two","parameters":[1],"step":3,"reason":{},"note":[],"id":7,"steps":"x","trigger":1}""", "application/json"),
            ("array instead of object", "[]", "application/json"),
            ("number instead of object", "42", "application/json"),
            ("NUL in strings", """{"definition":"api-drill\u0000","parameters":{"label\u0000":"x\u0000"},"step":"s\u0000","reason":"r\u0000","note":"n\u0000","id":"x\u0000","version":1,"title":"t\u0000","trigger":{"type":"manual"},"steps":[]}""", "application/json"),

            ("text/plain", "{}", "text/plain"),
            ("XML", "<run definition=\"api-drill\"/>", "application/xml"),
            ("form", "definition=api-drill", "application/x-www-form-urlencoded"),
            ("no content type", "{}", null),
        })
        {
            yield return ($"body: {kind}", Request(path, Encoding.UTF8.GetBytes(body), type));
        }
        yield return ("body: invalid UTF-8", Request(path, [.. "{\"definition\":\""u8, 0xC3, 0x28, 0xFF, .. "\"}"u8]));
    }

    /// <summary>
    /// Kestrel refuses a path that decodes to a NUL itself, before any middleware runs: a 400 with no
    /// body, the web server's refusal rather than the API's. Nothing of the app sees such a request.
    /// </summary>
    private static bool RefusedByKestrel(string kind) => kind.StartsWith("route ", StringComparison.Ordinal) && kind.EndsWith(": NUL byte", StringComparison.Ordinal);

    /// <summary>
    /// A POST that writes nothing and answers a 200 whatever JSON it is sent, with what is wrong in it
    /// (the designer's check as its author types): a definition of the wrong shape is its input, not
    /// a mistake. Broken, huge or NUL-holding JSON is still refused at the boundary, and the stored
    /// state is compared all the same.
    /// </summary>
    private static bool AnswersItsVerdict(ApiRoute route) =>
        route.Endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName is "CheckDefinition";

    /// <summary>Null when the answer is a 4xx problem (or, for a read or a check, a 2xx); otherwise what was wrong with it.</summary>
    private static async Task<string?> SendAsync(HttpClient client, ApiRoute route, HttpRequestMessage request, bool refusedByKestrel)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        }
        catch (HttpRequestException e)
        {
            return $"no answer: {e.Message}";
        }
        using (response)
        {
            var status = (int)response.StatusCode;
            var type = response.Content.Headers.ContentType?.MediaType;
            // An event stream never ends: its status says enough.
            var body = type == "text/event-stream" ? "" : await response.Content.ReadAsStringAsync(timeout.Token);
            if (status >= 500) return $"{status} {body}";
            if (status is >= 200 and < 300) return route.Method == HttpMethods.Get || AnswersItsVerdict(route) ? null : $"{status}: a write was accepted: {body}";
            if (status < 400) return $"{status}";
            if (refusedByKestrel) return status == 400 && body.Length == 0 ? null : $"{status} where Kestrel's own empty 400 was expected: {body}";
            if (type != "application/problem+json") return $"{status} answered as {type ?? "nothing"}: {body}";
            var problem = JsonNode.Parse(body);
            return problem?["status"]?.GetValue<int>() == status && problem["title"] is not null ? null : $"{status} problem without status or title: {body}";
        }
    }

    /// <summary>What a malformed request must not change: runs, definitions, drafts, backups, idempotency keys, tokens, the store's files.</summary>
    private async Task<string> StoredStateAsync()
    {
        var counts = new List<string>();
        foreach (var table in new[] { "engine.runs", "engine.definition_versions", "engine.definition_drafts", "catalogue.backups", "catalogue.pending_uploads", "access.idempotency_keys", "access.tokens" })
        {
            counts.Add($"{table}={await host.Database.ScalarAsync<long>($"SELECT count(*) FROM {table}")}");
        }
        counts.Add($"files={Directory.EnumerateFiles(host.BackupDirectory, "*", SearchOption.AllDirectories).Count()}");
        return string.Join(", ", counts);
    }
}
