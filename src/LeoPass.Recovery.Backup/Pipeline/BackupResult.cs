
namespace LeoPass.Recovery.Backup.Pipeline;

/// <summary>A backup that reached the store, was verified there, and has its manifest.</summary>
public sealed record BackupResult(BackupManifest Manifest, TimeSpan Duration)
{
    public string Key => Manifest.Key;
}
