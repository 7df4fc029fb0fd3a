namespace LeoPass.Recovery.Runbook.Backup;

/// <summary>The definition `backup run` and POST /api/backups/run start: the nightly backup.</summary>
public static class NightlyBackup
{
    public const string DefinitionId = "nightly-backup";
}
