using System.Text.Json;
using System.Text.Json.Serialization;
using LeoPass.Recovery.Core.Secrets;
using Spectre.Console;

namespace LeoPass.Recovery.Cli.Output;

/// <summary>
/// Everything a command prints goes through here: JSON for scripts (--json), tables for
/// people, one-line errors on stderr — all with secrets masked, each value before it is laid out
/// (a secret wrapped across two table lines would escape a per-line mask). Underneath, stdout and
/// stderr themselves mask every write (<see cref="RedactingWriter"/>), so a line printed some other way is masked too.
/// </summary>
public sealed class CliOutput(bool json, SecretRedactor redactor)
{
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    public bool Json { get; } = json;

    /// <summary>Whether a live progress display makes sense: a person is watching a terminal.</summary>
    public bool Interactive => !Json && !Console.IsErrorRedirected;

    public void WriteJson<T>(T value) => Console.Out.WriteLine(redactor.Redact(JsonSerializer.Serialize(value, JsonOptions)));

    public void Line(string text) => Console.Out.WriteLine(redactor.Redact(text));

    /// <summary>
    /// The one deliberate exception to masking: a new API token is shown once, when it is created
    /// (the store keeps only its hash), and every token is masked by its shape everywhere else.
    /// Only that exact value is shown; the rest of the line (or JSON) is masked as always.
    /// </summary>
    public CliOutput.Reveal Revealing(string shown) => new(this, shown);

    /// <summary>Writes with one value shown as it is (<see cref="Revealing"/>).</summary>
    public readonly struct Reveal(CliOutput output, string shown)
    {
        public void Line(string text) => RedactingWriter.WriteLinePastFilter(output.MaskAllBut(text, shown));

        public void WriteJson<T>(T value) => RedactingWriter.WriteLinePastFilter(output.MaskAllBut(JsonSerializer.Serialize(value, JsonOptions), shown));
    }

    private string MaskAllBut(string text, string shown) =>
        string.Join(shown, text.Split(shown).Select(part => redactor.Redact(part)));

    /// <summary>Text as it is (a Markdown report), masked.</summary>
    public void Text(string text) => Console.Out.Write(redactor.Redact(text));

    /// <summary>A note for the person watching (progress, hints) on stderr, so stdout stays what scripts read.</summary>
    public void Note(string text) => Console.Error.WriteLine(redactor.Redact(text));

    /// <summary>Masks a value that goes into a table cell or a markup line.</summary>
    public string Mask(string? text) => text is null ? "" : redactor.Redact(text);

    public void Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        // Piped output has no terminal width; a wide virtual one keeps each row on one line for grep and awk.
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 250;
        var table = new Table().Border(TableBorder.Simple);
        foreach (var header in headers) table.AddColumn(new TableColumn(Markup.Escape(header)).NoWrap());
        foreach (var row in rows) table.AddRow(row.Select(cell => Markup.Escape(redactor.Redact(cell))).ToArray());
        AnsiConsole.Write(table);
    }

    /// <summary>Key/value pairs, aligned, for one object.</summary>
    public void Properties(IEnumerable<(string Name, string Value)> properties)
    {
        var list = properties.ToList();
        var width = list.Max(p => p.Name.Length);
        foreach (var (name, value) in list) Line($"{name.PadRight(width)}  {value}");
    }

    public void Error(string message)
    {
        var text = redactor.Redact(message).ReplaceLineEndings(" ");
        Console.Error.WriteLine($"error: {text}");
        if (Json) WriteJson(new { ok = false, error = text });
    }

    /// <summary>Ctrl+C stopped the command: what became of its work, on stderr (and for --json, an object on stdout).</summary>
    public void Interrupted(string message)
    {
        var text = redactor.Redact(message).ReplaceLineEndings(" ");
        Console.Error.WriteLine($"interrupted: {text}");
        if (Json) WriteJson(new { ok = false, interrupted = true, error = text });
    }
}
