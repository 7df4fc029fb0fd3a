namespace LeoPass.Recovery.Engine.Journal;

/// <summary>Who did what to which run, when and why. Written in the same transaction as the change it records.</summary>
public sealed class AuditRecord
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    public string Who { get; set; } = "";
    public string Action { get; set; } = "";
    public long? RunId { get; set; }
    public string? StepId { get; set; }
    public string? Reason { get; set; }
    public string? Details { get; set; }
}
