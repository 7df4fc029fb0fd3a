using LeoPass.Recovery.Server.Roles;
using LeoPass.Recovery.Server.Tokens;

namespace LeoPass.Recovery.Cli.Demo;

/// <summary>
/// The operator token `demo` prints so a newcomer can sign in to the console and see the drill
/// they just ran. A token's text exists only when it is created (the store keeps its SHA-256), so
/// the demo keeps the text in an owner-only file beside its other state and prints it again on
/// the next run only while the store still accepts it — the same check the API makes. Revoked,
/// or the demo's database made anew: the old one is revoked and a new one created and kept.
/// </summary>
internal static class DemoToken
{
    public const string Name = "demo-operator";
    public const string FileName = "console-token";

    /// <summary>A token that signs in now, and whether it was just created.</summary>
    public static async Task<(string Token, bool Created)> EnsureAsync(string directory, string recoveryDatabaseUrl, CancellationToken cancellationToken)
    {
        var store = new TokenStore(PostgresConnectionString.Parse(recoveryDatabaseUrl, "RECOVERY_DATABASE_URL"), TimeProvider.System);
        await store.MigrateAsync(cancellationToken);
        var file = Path.Combine(directory, FileName);
        if (File.Exists(file)
            && (await File.ReadAllTextAsync(file, cancellationToken)).Trim() is { Length: > 0 } kept
            && await store.AuthenticateAsync(kept, cancellationToken) is { Name: Name })
        {
            return (kept, false);
        }
        await store.RevokeAsync(Name, cancellationToken);
        var created = await store.CreateAsync(Name, ApiRole.Operator, $"demo:{Environment.UserName}", cancellationToken);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite };
        await using (var writer = new StreamWriter(file, options)) await writer.WriteLineAsync(created.Token);
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return (created.Token, true);
    }
}
