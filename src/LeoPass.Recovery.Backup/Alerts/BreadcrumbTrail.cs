namespace LeoPass.Recovery.Backup.Alerts;

/// <summary>
/// The pipeline's running log of stages, kept for the failure alert: when a backup fails at
/// 02:14 the responder sees what it had already done. Thread-safe, because stages of a
/// streamed pipeline (dump, compress, upload) run concurrently.
/// </summary>
public sealed class BreadcrumbTrail
{
    /// <summary>Sentry keeps at most 100 breadcrumbs per event; older ones are dropped first.</summary>
    public const int Capacity = 100;

    private readonly TimeProvider _time;
    private readonly Queue<StageBreadcrumb> _crumbs = new();
    private readonly Lock _gate = new();
    private string? _failedStage;
    private string? _currentStage;

    public BreadcrumbTrail(TimeProvider time)
    {
        _time = time;
        StartedAt = time.GetUtcNow();
    }

    /// <summary>When the trail (and so the job) started.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>Wall time since <see cref="StartedAt"/>, by the injected clock.</summary>
    public TimeSpan Elapsed => Now - StartedAt;

    public DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>The stage of the most recent breadcrumb, or null before the first.</summary>
    public string? CurrentStage
    {
        get { lock (_gate) return _currentStage; }
    }

    /// <summary>The stage of the first <see cref="Fail"/>: the root cause, not the follow-on errors.</summary>
    public string? FailedStage
    {
        get { lock (_gate) return _failedStage; }
    }

    public StageBreadcrumb Add(string stage, string message, StageBreadcrumbLevel level = StageBreadcrumbLevel.Info, IReadOnlyDictionary<string, string>? data = null)
    {
        var crumb = new StageBreadcrumb(_time.GetUtcNow(), stage, message, level, data);
        lock (_gate)
        {
            if (_crumbs.Count == Capacity) _crumbs.Dequeue();
            _crumbs.Enqueue(crumb);
            _currentStage = stage;
            if (level == StageBreadcrumbLevel.Error) _failedStage ??= stage;
        }
        return crumb;
    }

    /// <summary>Records that <paramref name="stage"/> failed; the first failure names the failed stage.</summary>
    public StageBreadcrumb Fail(string stage, string message, IReadOnlyDictionary<string, string>? data = null) =>
        Add(stage, message, StageBreadcrumbLevel.Error, data);

    /// <summary>A copy of the breadcrumbs so far, oldest first.</summary>
    public IReadOnlyList<StageBreadcrumb> Snapshot()
    {
        lock (_gate) return [.. _crumbs];
    }
}
