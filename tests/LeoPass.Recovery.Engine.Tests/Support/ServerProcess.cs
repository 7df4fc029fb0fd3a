using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.Engine.Tests.Support;

/// <summary>A `server` node with the diagnostics activities switched on, on a test database and workflows directory.</summary>
public static class ServerProcess
{
    public static Task<ServerNode> StartAsync(TestDatabase database, string workflowsDirectory, string schedulerName, IReadOnlyDictionary<string, string?>? extra = null) =>
        ServerNode.StartAsync(new Dictionary<string, string?>(extra ?? new Dictionary<string, string?>())
        {
            ["RECOVERY_DATABASE_URL"] = database.Url,
            ["LEOPASS_WORKFLOWS_DIR"] = workflowsDirectory,
            ["LEOPASS_SCHEDULER_NAME"] = schedulerName,
            ["LEOPASS_ENABLE_TEST_ACTIVITIES"] = "1",
            ["DATABASE_URL"] = null,
            ["BACKUP_CRON"] = null,
            ["BACKUP_TZ"] = null,
            ["OCI_BUCKET"] = null,
        });
}
