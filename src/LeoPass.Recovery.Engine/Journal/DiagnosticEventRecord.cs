namespace LeoPass.Recovery.Engine.Journal;

/// <summary>
/// Written by the built-in diagnostics activities when they start and finish, so tests and
/// benchmarks can count real executions across processes ("completed exactly once").
/// </summary>
public sealed class DiagnosticEventRecord
{
    public long Id { get; set; }
    public long RunId { get; set; }
    public string StepId { get; set; } = "";
    public int Attempt { get; set; }
    public string Node { get; set; } = "";
    public string Event { get; set; } = "";
    public DateTimeOffset At { get; set; }
}
