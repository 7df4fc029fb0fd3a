// Built by GeneratedClientTests beside a Kiota client generated from the served OpenAPI document
// (namespace LeoPass.Generated): starts a run as a caller's own code would and prints its id.
// Arguments: the server's base URL, an API token, the definition to start.
using LeoPass.Generated;
using LeoPass.Generated.Models;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;

var (baseUrl, token, definition) = (args[0].TrimEnd('/'), args[1], args[2]);
var adapter = new HttpClientRequestAdapter(new BaseBearerTokenAuthenticationProvider(new FixedToken(token))) { BaseUrl = baseUrl };
var client = new RecoveryClient(adapter);
var started = await client.Api.Runs.PostAsync(new StartRunBody { Definition = definition });
Console.WriteLine(started?.Run?.Id ?? throw new InvalidOperationException("the answer to POST /api/runs has no run id"));

/// <summary>The token the caller was given (a secret manager's, in real code).</summary>
internal sealed class FixedToken(string token) : IAccessTokenProvider
{
    public AllowedHostsValidator AllowedHostsValidator { get; } = new();

    public Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(token);
}
