using System.Text.Json.Nodes;

namespace LeoPass.Recovery.Engine.Execution;

/// <summary>This node's hold on a run: valid while the run's lease token is still <see cref="Token"/>.</summary>
public sealed record RunLease(long RunId, long Token, string Node, long DefinitionVersionId, string DefinitionId, int DefinitionVersion, JsonObject Parameters);
