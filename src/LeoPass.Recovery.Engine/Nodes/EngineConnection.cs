namespace LeoPass.Recovery.Engine.Nodes;

/// <summary>The Npgsql connection string of the recovery database (RECOVERY_DATABASE_URL).</summary>
public sealed record EngineConnection(string ConnectionString);
