namespace LeoPass.Recovery.Engine.Journal;

/// <summary>
/// The draft of a definition's next version, saved from the designer: one per definition id. A
/// draft is never run and never scheduled; publishing turns it into a new immutable version and
/// removes it.
/// </summary>
public sealed class DefinitionDraftRecord
{
    public string DefinitionId { get; set; } = "";
    public string Title { get; set; } = "";
    /// <summary>The JSON as the designer saved it (text, not jsonb: the author's key order is kept). It may be invalid: a draft is work in progress.</summary>
    public string Content { get; set; } = "";
    /// <summary>1 for the first save, raised by every save: a save from an older revision is refused.</summary>
    public int Revision { get; set; }
    public DateTimeOffset SavedAt { get; set; }
    public string SavedBy { get; set; } = "";
}
