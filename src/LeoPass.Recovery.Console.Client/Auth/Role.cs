namespace LeoPass.Recovery.Console.Auth;

/// <summary>A token's role, as the API names it. Each includes the ones before it.</summary>
public enum Role
{
    Viewer = 0,
    Operator = 1,
    Admin = 2,
}

public static class Roles
{
    /// <summary>"viewer", "operator", "admin" (any case); anything else reads as the least role, so an unknown name never grants more.</summary>
    public static Role Parse(string? name) => name?.ToLowerInvariant() switch
    {
        "admin" => Role.Admin,
        "operator" => Role.Operator,
        _ => Role.Viewer,
    };

    public static string Name(this Role role) => role.ToString().ToLowerInvariant();

    public static bool Includes(this Role held, Role required) => held >= required;

    public static bool Includes(this Role held, string required) => held >= Parse(required);
}
