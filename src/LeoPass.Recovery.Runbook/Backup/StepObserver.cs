using LeoPass.Recovery.Backup.Alerts;
using LeoPass.Recovery.Backup.Pipeline;

namespace LeoPass.Recovery.Runbook.Backup;

/// <summary>Turns a pipeline's stages into alert breadcrumbs while an activity runs it.</summary>
internal sealed class StepObserver(BreadcrumbTrail trail) : IBackupObserver
{
    public void Stage(string stage, string message) => trail.Add(stage, message);

    public void Bytes(long total) { }
}
