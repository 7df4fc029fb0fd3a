using LeoPass.Recovery.Server.Roles;

namespace LeoPass.Recovery.Server.Tokens;

/// <summary>
/// A bearer token as stored: its SHA-256, never the token. <see cref="Prefix"/> (the first
/// characters) lets people tell their tokens apart in <c>token list</c> without revealing them.
/// </summary>
public sealed class ApiToken
{
    public long Id { get; set; }
    public required string Name { get; set; }
    public required ApiRole Role { get; set; }
    public required string Hash { get; set; }
    public required string Prefix { get; set; }
    public required DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}

/// <summary>An <c>Idempotency-Key</c> the API has seen: which request it came with and which run it started.</summary>
public sealed class IdempotencyRecord
{
    /// <summary>The caller's key, scoped by token name so two clients cannot collide.</summary>
    public required string Key { get; set; }
    public required string RequestHash { get; set; }
    public required long RunId { get; set; }
    public required DateTimeOffset CreatedAt { get; set; }
}

/// <summary>One mutating HTTP call: who (token name), what (method and route), and how it ended.</summary>
public sealed class ApiAuditRecord
{
    public long Id { get; set; }
    public required DateTimeOffset At { get; set; }
    public required string Who { get; set; }
    public required string Method { get; set; }
    public required string Path { get; set; }
    public required int Status { get; set; }
    public string? RemoteAddress { get; set; }
    public string? IdempotencyKey { get; set; }
}
