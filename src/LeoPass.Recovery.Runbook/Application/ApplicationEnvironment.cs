
namespace LeoPass.Recovery.Runbook.Application;

/// <summary>The environment application commands (migrations, smoke tests) run with: DATABASE_URL is the restored database.</summary>
internal static class ApplicationEnvironment
{
    public static Dictionary<string, string?> For(string restoredConnection, ActivityContext context) => new()
    {
        ["DATABASE_URL"] = PostgresConnectionString.ToUrl(restoredConnection),
        ["LEOPASS_RUN_ID"] = context.RunId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["LEOPASS_DEFINITION"] = context.Identity.DefinitionId,
        ["LEOPASS_STEP"] = context.StepId,
    };
}
