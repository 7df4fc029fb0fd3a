using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.Runbook.Tests.Support;

/// <summary>A `server` node with the test bed's environment and the repository's workflows.</summary>
public static class RunbookServer
{
    public static Task<ServerNode> StartAsync(IReadOnlyDictionary<string, string?> variables, string schedulerName)
    {
        var environment = new Dictionary<string, string?>
        {
            ["DATABASE_URL"] = null,
            ["BACKUP_CRON"] = null,
            ["OCI_BUCKET"] = null,
            ["PG_BIN_DIR"] = null,
        };
        foreach (var (name, value) in variables) environment[name] = value;
        environment.TryAdd("LEOPASS_WORKFLOWS_DIR", Path.Combine(RepositoryRoot.Path, "workflows"));
        environment["LEOPASS_SCHEDULER_NAME"] = schedulerName;
        return ServerNode.StartAsync(environment);
    }
}
