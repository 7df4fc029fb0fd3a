namespace LeoPass.Recovery.Server.Logging;

/// <summary>
/// Where this host's log lines go: standard error, so standard output stays the command's own
/// (tables, --json). A test registers its own before the host is composed, to read what was logged.
/// </summary>
public sealed class LogOutput(TextWriter writer)
{
    public TextWriter Writer { get; } = writer;

    public static LogOutput StandardError { get; } = new(Console.Error);
}
