namespace LeoPass.Recovery.Core.Configuration;

/// <summary>
/// A setting is missing or malformed. The message always names the variable and says what
/// is expected, and never contains the value when the variable holds a secret.
/// </summary>
public sealed class ConfigurationException : Exception
{
    public ConfigurationException(string message) : base(message) { }

    public ConfigurationException(IReadOnlyList<string> problems)
        : base(problems.Count == 1 ? problems[0] : "invalid configuration:\n  - " + string.Join("\n  - ", problems))
    {
        Problems = problems;
    }

    public IReadOnlyList<string> Problems { get; } = [];
}
