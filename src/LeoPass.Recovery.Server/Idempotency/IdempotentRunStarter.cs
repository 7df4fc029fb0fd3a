using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text;
using LeoPass.Recovery.Engine.Execution;
using LeoPass.Recovery.Engine.Runs;
using LeoPass.Recovery.Server.Roles;
using LeoPass.Recovery.Server.Tokens;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace LeoPass.Recovery.Server.Idempotency;

/// <summary>The outcome of a start: the run, and whether it was started by an earlier request with the same key.</summary>
public sealed record StartOutcome(long RunId, bool Replayed);

/// <summary>The key was used before with a different request.</summary>
public sealed class IdempotencyKeyReusedException(string key)
    : Exception($"Idempotency-Key '{key}' was already used with a different request (definition, version or parameters); use a new key for a new request");

/// <summary>
/// Starts runs honouring <c>Idempotency-Key</c>: the key (scoped to the calling token) maps to
/// the hash of the request and the run it started. Same key and same request → the same run;
/// same key and another request → refused. The engine's own unique idempotency key on runs
/// settles a race between two nodes receiving the same webhook at once.
/// </summary>
public sealed class IdempotentRunStarter(RunOperations operations, TokenStore store, TimeProvider clock)
{
    public const int MaxKeyLength = 200;

    public async Task<StartOutcome> StartAsync(StartRunRequest request, string? idempotencyKey, ApiCaller caller, CancellationToken cancellationToken)
    {
        if (idempotencyKey is null) return new StartOutcome((await operations.StartAsync(request, cancellationToken)).Id, false);

        var scoped = $"{caller.TokenName}:{idempotencyKey}";
        var hash = RequestHash(request);
        await using (var db = store.Open())
        {
            if (await db.IdempotencyKeys.AsNoTracking().SingleOrDefaultAsync(k => k.Key == scoped, cancellationToken) is { } seen)
            {
                return seen.RequestHash == hash ? new StartOutcome(seen.RunId, true) : throw new IdempotencyKeyReusedException(idempotencyKey);
            }
        }
        var run = await operations.StartAsync(request with { IdempotencyKey = $"api:{scoped}" }, cancellationToken);
        await using (var db = store.Open())
        {
            db.IdempotencyKeys.Add(new IdempotencyRecord { Key = scoped, RequestHash = hash, RunId = run.Id, CreatedAt = clock.GetUtcNow() });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return new StartOutcome(run.Id, false);
            }
            catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
            {
                // A concurrent request with the same key recorded first; the engine gave both the same run.
            }
        }
        await using (var db = store.Open())
        {
            var winner = await db.IdempotencyKeys.AsNoTracking().SingleAsync(k => k.Key == scoped, cancellationToken);
            return winner.RequestHash == hash ? new StartOutcome(winner.RunId, true) : throw new IdempotencyKeyReusedException(idempotencyKey);
        }
    }

    /// <summary>SHA-256 of the request's canonical form: parameters sorted, so key order in the body does not matter.</summary>
    private static string RequestHash(StartRunRequest request)
    {
        var parameters = new JsonObject();
        foreach (var (name, value) in request.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal)) parameters[name] = value;
        var canonical = new JsonObject { ["definition"] = request.DefinitionId, ["version"] = request.Version, ["parameters"] = parameters }.ToJsonString();
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }
}
