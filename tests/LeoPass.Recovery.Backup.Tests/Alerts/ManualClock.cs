namespace LeoPass.Recovery.Backup.Tests.Alerts;

/// <summary>A clock the test moves by hand; timers stay real so Polly delays still elapse.</summary>
internal sealed class ManualClock : TimeProvider
{
    private DateTimeOffset _now = new(2026, 11, 27, 2, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
