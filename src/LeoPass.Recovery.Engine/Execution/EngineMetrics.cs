using System.Diagnostics.Metrics;

namespace LeoPass.Recovery.Engine.Execution;

/// <summary>
/// What the engine measures as it runs, as .NET metrics (System.Diagnostics.Metrics): the engine
/// stays free of any exporter; the server publishes them for Prometheus. The meter comes from the
/// host's <see cref="IMeterFactory"/>, so two hosts in one process keep their measurements apart.
/// </summary>
public sealed class EngineMetrics
{
    public const string MeterName = "LeoPass.Recovery.Engine";
    public const string StepDurationName = "leopass.step.duration";

    public EngineMetrics(IMeterFactory meters)
    {
        Meter = meters.Create(MeterName);
        StepDuration = Meter.CreateHistogram<double>(StepDurationName, "s", "How long each step attempt worked (gate waits excluded), by definition, step and outcome");
    }

    public Meter Meter { get; }

    public Histogram<double> StepDuration { get; }

    public void RecordAttempt(string definitionId, string stepId, string outcome, TimeSpan duration) =>
        StepDuration.Record(duration.TotalSeconds,
            new KeyValuePair<string, object?>("definition", definitionId),
            new KeyValuePair<string, object?>("step", stepId),
            new KeyValuePair<string, object?>("outcome", outcome));
}
