using LeoPass.Recovery.Runbook.Prediction;

namespace LeoPass.Recovery.Runbook.Watchdog;

/// <summary>
/// The predicted RTO of restoring today's backup against the 2 h RTO: it warns at 80 % and alerts
/// past the target, before any drill finds out. With no prediction yet (no download and restore
/// measured) it is ok: the restore-verification age is what says nothing was measured.
/// </summary>
public sealed class PredictedRtoWatch(RtoPredictor predictor) : IWatch
{
    public string Name => "rto-prediction";

    public async Task<WatchReading> ReadAsync(DateTimeOffset now, DateTimeOffset watchingSince, CancellationToken cancellationToken) =>
        Judge(await predictor.PredictAsync(cancellationToken));

    public static WatchReading Judge(RtoPrediction? prediction)
    {
        if (prediction is null) return new WatchReading(WatchLevel.Ok, "no RTO prediction yet: no download and restore measured");
        var level = prediction.OverTarget ? WatchLevel.Breach : prediction.AtRisk ? WatchLevel.Warning : WatchLevel.Ok;
        var what = $"a restore of {prediction.BackupKey} is predicted to take {RpoWatch.Hours(prediction.Predicted)} " +
                   $"({RpoWatch.Percent(prediction.Predicted, prediction.Target)} of the {RpoWatch.Hours(prediction.Target)} RTO: download {RpoWatch.Hours(prediction.Download)}, restore {RpoWatch.Hours(prediction.Restore)}, other steps {RpoWatch.Hours(prediction.Fixed)})";
        return new WatchReading(level, level switch
        {
            WatchLevel.Breach => $"RTO over target: {what}. Restore faster (RESTORE_JOBS, a larger target server) or raise the target knowingly.",
            WatchLevel.Warning => $"RTO at risk: {what}.",
            _ => $"RTO within target: {what}.",
        });
    }
}
