using System.Text;
using LeoPass.Recovery.Core.Secrets;

namespace LeoPass.Recovery.Cli.Output;

/// <summary>
/// Stdout or stderr with every write masked: the filter under <see cref="CliOutput"/>, so text
/// printed any other way (a library's message, the live progress table, a log sink) is masked too.
/// Each write is masked whole; a single character cannot be a secret (shorter than any the redactor masks).
/// </summary>
internal sealed class RedactingWriter(TextWriter inner, SecretRedactor redactor) : TextWriter
{
    public override Encoding Encoding => inner.Encoding;

    public override IFormatProvider FormatProvider => inner.FormatProvider;

    public override string NewLine
    {
        get => inner.NewLine;
#pragma warning disable CS8765 // TextWriter.NewLine's setter accepts null (meaning the default); so does the inner writer's.
        set => inner.NewLine = value;
#pragma warning restore CS8765
    }

    /// <summary>Installs the filter on stdout and stderr, once, before anything is printed.</summary>
    public static void Install(SecretRedactor redactor)
    {
        // Console.Out is a synchronised wrapper after SetOut, never this type: remember instead.
        if (_unfilteredOut is not null) return;
        _unfilteredOut = Console.Out;
        Console.SetOut(new RedactingWriter(Console.Out, redactor));
        Console.SetError(new RedactingWriter(Console.Error, redactor));
    }

    /// <summary>
    /// A line whose masking the caller already did, written past the filter: only
    /// <see cref="CliOutput.Revealing"/> uses it, for a token shown at its creation.
    /// </summary>
    internal static void WriteLinePastFilter(string text)
    {
        Console.Out.Flush();
        (_unfilteredOut ?? Console.Out).WriteLine(text);
        (_unfilteredOut ?? Console.Out).Flush();
    }

    /// <summary>Stdout as it was before <see cref="Install"/> (Console.Out itself is then a synchronised wrapper, not this type).</summary>
    private static TextWriter? _unfilteredOut;

    public override void Write(char value) => inner.Write(value);

    public override void Write(string? value) => inner.Write(redactor.Redact(value));

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void Write(ReadOnlySpan<char> buffer) => Write(new string(buffer));

    public override void WriteLine(string? value) => inner.WriteLine(redactor.Redact(value));

    public override void WriteLine(ReadOnlySpan<char> buffer) => WriteLine(new string(buffer));

    public override void WriteLine(char[] buffer, int index, int count) => WriteLine(new string(buffer, index, count));

    public override Task WriteAsync(string? value) => inner.WriteAsync(redactor.Redact(value));

    public override Task WriteLineAsync(string? value) => inner.WriteLineAsync(redactor.Redact(value));

    public override Task WriteAsync(char[] buffer, int index, int count) => WriteAsync(new string(buffer, index, count));

    public override Task WriteLineAsync(char[] buffer, int index, int count) => WriteLineAsync(new string(buffer, index, count));

    public override Task WriteAsync(ReadOnlyMemory<char> buffer, CancellationToken cancellationToken = default) => WriteAsync(new string(buffer.Span));

    public override Task WriteLineAsync(ReadOnlyMemory<char> buffer, CancellationToken cancellationToken = default) => WriteLineAsync(new string(buffer.Span));

    public override void Flush() => inner.Flush();

    public override Task FlushAsync() => inner.FlushAsync();
}
