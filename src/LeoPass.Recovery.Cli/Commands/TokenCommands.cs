using LeoPass.Recovery.Server.Roles;
using LeoPass.Recovery.Server.Tokens;

namespace LeoPass.Recovery.Cli.Commands;

/// <summary>`token create|list|revoke`: bearer tokens for the HTTP API. Only a token's SHA-256 is stored; its text is printed once.</summary>
internal static class TokenCommands
{
    public static Command Create()
    {
        var token = new Command("token", "Manage HTTP API tokens (viewer reads; operator drives drills, retries, skips, approves; admin starts incident restores and publishes definitions)");
        token.Subcommands.Add(CreateToken());
        token.Subcommands.Add(ListTokens());
        token.Subcommands.Add(RevokeToken());
        return token;
    }

    private static Command CreateToken()
    {
        var name = new Option<string>("--name") { Description = "Who or what holds the token; the audit trail records it as token:<name>", Required = true };
        var role = new Option<string>("--role") { Description = "viewer, operator or admin", Required = true };
        var command = new Command("create", "Create a token and print it once (store it in your secret manager: it cannot be shown again)") { name, role };
        command.SetAction(async (context, parse, cancellationToken) =>
        {
            if (!ApiRoles.TryParse(parse.GetValue(role), out var parsedRole)) throw new UsageException($"--role must be viewer, operator or admin, not '{parse.GetValue(role)}'");
            if (!TokenStore.IsValidName(parse.GetValue(name)!.Trim())) throw new UsageException("--name must be 1–64 characters of letters, digits, '.', '_', '-' or '@'");
            var store = await StoreAsync(context, cancellationToken);
            var created = await store.CreateAsync(parse.GetValue(name)!, parsedRole, $"cli:{Environment.UserName}", cancellationToken);
            if (context.Output.Json)
            {
                context.Output.Revealing(created.Token).WriteJson(new { ok = true, name = created.Record.Name, role = created.Record.Role.Name(), token = created.Token });
            }
            else
            {
                context.Output.Revealing(created.Token).Line(created.Token);
                context.Output.Note($"token '{created.Record.Name}' ({created.Record.Role.Name()}) created. It is shown only now: send it as 'Authorization: Bearer <token>'.");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command ListTokens()
    {
        var all = new Option<bool>("--all") { Description = "Include revoked tokens" };
        var command = new Command("list", "List tokens: name, role, first characters, created, last used, revoked") { all };
        command.SetAction(async (context, parse, cancellationToken) =>
        {
            var tokens = await (await StoreAsync(context, cancellationToken)).ListAsync(parse.GetValue(all), cancellationToken);
            if (context.Output.Json)
            {
                context.Output.WriteJson(tokens.Select(t => new
                {
                    name = t.Name, role = t.Role.Name(), prefix = t.Prefix, createdAt = t.CreatedAt, createdBy = t.CreatedBy, lastUsedAt = t.LastUsedAt, revokedAt = t.RevokedAt,
                }));
            }
            else if (tokens.Count == 0)
            {
                context.Output.Line("no tokens; create one with `token create --name N --role viewer|operator|admin`");
            }
            else
            {
                context.Output.Line($"{"name",-24} {"role",-9} {"token",-12} {"created",-17} {"last used",-17} revoked");
                foreach (var t in tokens)
                {
                    context.Output.Line($"{t.Name,-24} {t.Role.Name(),-9} {t.Prefix + "…",-12} {Time(t.CreatedAt),-17} {Time(t.LastUsedAt),-17} {Time(t.RevokedAt)}");
                }
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command RevokeToken()
    {
        var name = new Argument<string>("name") { Description = "The token's name (see `token list`)" };
        var command = new Command("revoke", "Revoke a token: the next request made with it is refused (401)") { name };
        command.SetAction(async (context, parse, cancellationToken) =>
        {
            var revoked = await (await StoreAsync(context, cancellationToken)).RevokeAsync(parse.GetValue(name)!, cancellationToken);
            if (!revoked) throw new UsageException($"no live token named '{parse.GetValue(name)}' (see `token list`)");
            if (context.Output.Json) context.Output.WriteJson(new { ok = true, revoked = parse.GetValue(name) });
            else context.Output.Line($"token '{parse.GetValue(name)}' revoked");
            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task<TokenStore> StoreAsync(CliContext context, CancellationToken cancellationToken)
    {
        var store = new TokenStore(context.Settings.RequireRecoveryDatabase(), context.Clock);
        await store.MigrateAsync(cancellationToken);
        return store;
    }

    private static string Time(DateTimeOffset? at) => at?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) ?? "-";
}
