namespace LeoPass.Recovery.Engine.Journal;

/// <summary>One published, immutable version of a workflow definition. Runs point at it, so a run always reads the definition it started with.</summary>
public sealed class DefinitionVersionRecord
{
    public long Id { get; set; }
    public string DefinitionId { get; set; } = "";
    public int Version { get; set; }
    public string Title { get; set; } = "";
    /// <summary>SHA-256 of the canonical JSON (sorted keys, compact; older rows: of the text as first published): publishing the same id and version with another hash is refused.</summary>
    public string ContentHash { get; set; } = "";
    /// <summary>The definition's JSON (jsonb, which orders keys its own way).</summary>
    public string Content { get; set; } = "";
    public string Source { get; set; } = "";
    public DateTimeOffset PublishedAt { get; set; }
    public string PublishedBy { get; set; } = "";
}
