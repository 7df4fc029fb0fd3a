using LeoPass.Recovery.Console.Api;
using Microsoft.JSInterop;

namespace LeoPass.Recovery.Console.Auth;

/// <summary>
/// Who is signed in: the API token and what /api/me said about it. The token lives in the tab's
/// sessionStorage (gone when the tab closes, never in a URL, never in localStorage where other tabs
/// and later sessions would find it); a reload of a deep link signs in again from it.
/// </summary>
public sealed class TokenSession(IJSRuntime js) : IApiCredentials
{
    public const string StorageKey = "leopass.console.token";

    public string? Token { get; private set; }

    public Caller? Caller { get; private set; }

    public Role Role => Roles.Parse(Caller?.Role);

    public bool IsSignedIn => Token is not null && Caller is not null;

    /// <summary>Why the last session ended, shown on the sign-in form ("the token was revoked…").</summary>
    public string? EndedBecause { get; private set; }

    /// <summary>Raised when the console signs in or out.</summary>
    public event Action? Changed;

    /// <summary>Signs in with a token from the tab's storage, if any; a token the server no longer accepts is dropped.</summary>
    public async Task RestoreAsync(Func<string, Task<Caller>> whoIs)
    {
        var stored = await js.InvokeAsync<string?>("sessionStorage.getItem", StorageKey);
        if (string.IsNullOrWhiteSpace(stored)) return;
        try
        {
            await SignInAsync(stored, whoIs);
        }
        catch (ApiException)
        {
            await ForgetAsync();
        }
    }

    /// <summary>Asks the server who the token is (GET /api/me) and keeps it only when the server knows it.</summary>
    public async Task SignInAsync(string token, Func<string, Task<Caller>> whoIs)
    {
        var trimmed = token.Trim();
        var caller = await whoIs(trimmed);
        await js.InvokeVoidAsync("sessionStorage.setItem", StorageKey, trimmed);
        Token = trimmed;
        Caller = caller;
        EndedBecause = null;
        Changed?.Invoke();
    }

    public async Task SignOutAsync()
    {
        await ForgetAsync();
        EndedBecause = null;
        Changed?.Invoke();
    }

    public async Task ExpireAsync()
    {
        if (Token is null) return;
        await ForgetAsync();
        EndedBecause = "The server no longer accepts this token (revoked or unknown). Sign in with another.";
        Changed?.Invoke();
    }

    private async Task ForgetAsync()
    {
        Token = null;
        Caller = null;
        await js.InvokeVoidAsync("sessionStorage.removeItem", StorageKey);
    }
}
