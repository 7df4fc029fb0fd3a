namespace LeoPass.Recovery.Server.Roles;

/// <summary>What a token may do. Each role includes the ones before it (an admin is also an operator and a viewer).</summary>
public enum ApiRole
{
    /// <summary>Reads everything: definitions, runs, journals, reports, backups, status.</summary>
    Viewer = 0,

    /// <summary>A responder: starts drills and backups, retries, resumes, approves and rejects gates; skips and aborts outside production.</summary>
    Operator = 1,

    /// <summary>Starts production restores and rehearsals, skips or aborts their steps, publishes definitions.</summary>
    Admin = 2,
}

public static class ApiRoles
{
    public static string Name(this ApiRole role) => role.ToString().ToLowerInvariant();

    public static bool TryParse(string? text, out ApiRole role)
    {
        role = ApiRole.Viewer;
        return text is not null && !int.TryParse(text, out _) && Enum.TryParse(text, ignoreCase: true, out role) && Enum.IsDefined(role);
    }

    public static bool Includes(this ApiRole held, ApiRole required) => held >= required;
}
