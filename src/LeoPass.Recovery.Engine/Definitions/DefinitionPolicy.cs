namespace LeoPass.Recovery.Engine.Definitions;

/// <summary>The least role a caller needs for an action on a run. Viewers never act, so the lowest is operator.</summary>
public enum PolicyRole
{
    Operator,
    Admin,
}

/// <summary>What a workflow is for, so the status page, the backups API and the CLI find it without naming its id.</summary>
public enum DefinitionPurpose
{
    /// <summary>No special meaning: started by name only.</summary>
    Other,

    /// <summary>The backup: <c>backup run</c> and <c>POST /api/backups/run</c> start it. At most one definition has it.</summary>
    Backup,

    /// <summary>A restore rehearsal: its successful runs measure the RTO on the status page.</summary>
    Drill,

    /// <summary>A real restore after an incident: measures the RTO too.</summary>
    Incident,

    /// <summary>
    /// Proves a backup restores (verify-restore): <c>backup verify --restore KEY</c>, <c>POST /api/backups/{key}/restore-verification</c>
    /// and the console's button start it. At most one definition has it.
    /// </summary>
    Verify,
}

/// <summary>
/// Who may start, skip a step of, and abort a run of a definition, and whether it touches
/// production. It lives in the definition (<c>"policy"</c>) so that a runbook designed in the
/// console carries its own rules: no C# list of workflow ids decides them.
/// </summary>
/// <param name="Production">
/// True when a run writes to production: it must declare a required <c>confirm</c> run parameter
/// (the CLI's <c>--confirm &lt;target&gt;</c>) and admin is needed to start, skip and abort it.
/// </param>
public sealed record DefinitionPolicy(PolicyRole Start, PolicyRole Skip, PolicyRole Abort, bool Production)
{
    /// <summary>
    /// When a definition says nothing: only an admin may start, skip or abort its runs. A runbook
    /// designed in the console or imported from a file gets operator rights only when its author
    /// writes them down; forgetting the policy must never widen who may run it.
    /// </summary>
    public static DefinitionPolicy Default { get; } = new(PolicyRole.Admin, PolicyRole.Admin, PolicyRole.Admin, false);

    /// <summary>The run parameter a production definition must declare as required.</summary>
    public const string ConfirmParameter = "confirm";
}
