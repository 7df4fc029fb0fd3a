using LeoPass.Recovery.Server.Errors;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Display;

namespace LeoPass.Recovery.Server.Logging;

/// <summary>
/// One line per event, rendered first and then masked (<see cref="ApiRedactor"/>), so no
/// property, message or exception text reaches the log with a secret or a token in it.
/// </summary>
public sealed class RedactingLogSink(TextWriter writer) : ILogEventSink
{
    private readonly MessageTemplateTextFormatter _formatter =
        new("{Timestamp:HH:mm:ss.fff} {Level:u3} {SourceContext}: {Message:lj}{NewLine}{Exception}", System.Globalization.CultureInfo.InvariantCulture);
    private readonly Lock _gate = new();

    public void Emit(LogEvent logEvent)
    {
        using var rendered = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        _formatter.Format(logEvent, rendered);
        var line = ApiRedactor.Redact(rendered.ToString());
        lock (_gate)
        {
            writer.Write(line);
            writer.Flush();
        }
    }
}
