namespace LeoPass.Recovery.Engine.Nodes;

/// <summary>This process's name in the cluster and in the journal.</summary>
public sealed record NodeIdentity(string Id);
