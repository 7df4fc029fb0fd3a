namespace LeoPass.Recovery.Engine.Execution;

/// <summary>This process's name in the cluster and in the journal.</summary>
public sealed record NodeIdentity(string Id);
