namespace LeoPass.Recovery.Console.Api;

/// <summary>
/// Where the API client finds the signed-in token, and whom it tells that the server no longer
/// accepts it (a 401). The sign-in (Auth) implements it; the client knows nothing of how.
/// </summary>
public interface IApiCredentials
{
    string? Token { get; }

    /// <summary>The server answered 401: the token was revoked or is unknown.</summary>
    Task ExpireAsync();
}
