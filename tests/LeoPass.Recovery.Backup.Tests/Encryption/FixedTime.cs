namespace LeoPass.Recovery.Backup.Tests.Encryption;

/// <summary>A clock stopped at one instant, to load keys "in the future" without waiting for them to expire.</summary>
public sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
