using System.Diagnostics.Metrics;
using LeoPass.Recovery.Engine.Execution;
using Microsoft.Extensions.Hosting;

namespace LeoPass.Recovery.Server.Metrics;

/// <summary>
/// Carries the engine's step-duration measurements (<see cref="EngineMetrics"/>, plain .NET metrics)
/// into the Prometheus histogram, for this host's meter only.
/// </summary>
public sealed class StepDurationBridge(EngineMetrics engine, RecoveryMetrics metrics) : IHostedService, IDisposable
{
    private readonly MeterListener _listener = new();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, engine.Meter) && instrument.Name == EngineMetrics.StepDurationName) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<double>((_, seconds, tags, _) =>
        {
            string definition = "", step = "", outcome = "";
            foreach (var tag in tags)
            {
                switch (tag.Key)
                {
                    case "definition": definition = tag.Value as string ?? ""; break;
                    case "step": step = tag.Value as string ?? ""; break;
                    case "outcome": outcome = tag.Value as string ?? ""; break;
                }
            }
            metrics.StepDuration.WithLabels(definition, step, outcome).Observe(seconds);
        });
        _listener.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _listener.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _listener.Dispose();
}
