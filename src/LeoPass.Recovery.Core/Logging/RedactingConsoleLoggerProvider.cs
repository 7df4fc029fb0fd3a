using LeoPass.Recovery.Core.Secrets;
using Microsoft.Extensions.Logging;

namespace LeoPass.Recovery.Core.Logging;

/// <summary>
/// Writes log lines to stderr (stdout belongs to command output and --json) after masking
/// every registered secret, so a library that echoes a connection string or a key in an
/// exception cannot leak it into logs.
/// </summary>
public sealed class RedactingConsoleLoggerProvider(SecretRedactor redactor, LogLevel minimum, TimeProvider clock, TextWriter? writer = null) : ILoggerProvider
{
    private readonly TextWriter _writer = writer ?? Console.Error;
    private readonly Lock _gate = new();

    public ILogger CreateLogger(string categoryName) => new RedactingLogger(this, ShortName(categoryName));

    public void Dispose() { }

    private static string ShortName(string category) => category[(category.LastIndexOf('.') + 1)..];

    private void Write(LogLevel level, string category, string message, Exception? exception)
    {
        var line = $"{clock.GetUtcNow():HH:mm:ss} {Level(level)} {category}: {message}";
        if (exception is not null && level >= LogLevel.Error) line += $" ({exception.GetType().Name}: {exception.Message})";
        line = redactor.Redact(line);
        lock (_gate) _writer.WriteLine(line);
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "TRC",
        LogLevel.Debug => "DBG",
        LogLevel.Information => "INF",
        LogLevel.Warning => "WRN",
        LogLevel.Error => "ERR",
        _ => "CRT",
    };

    private sealed class RedactingLogger(RedactingConsoleLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= provider.Minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            provider.Write(logLevel, category, formatter(state, exception), exception);
        }
    }

    private LogLevel Minimum => minimum;
}
