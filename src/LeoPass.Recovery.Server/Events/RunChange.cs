namespace LeoPass.Recovery.Server.Events;

/// <summary>A run was created or changed (state, a step, an attempt journaled), by this node or any other: one event of /api/events.</summary>
public sealed record RunChange(long RunId, string Definition, string State, DateTimeOffset UpdatedAt);
