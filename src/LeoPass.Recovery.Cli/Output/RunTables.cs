using Spectre.Console;

namespace LeoPass.Recovery.Cli.Output;

/// <summary>
/// Runs, steps and journals as tables for people (JSON for scripts is <see cref="CliOutput.WriteJson{T}"/>).
/// Every text a run carries (errors, reasons, intents, who) is masked through <paramref name="output"/> before it is laid out.
/// </summary>
internal sealed class RunTables(CliOutput output)
{
    static RunTables()
    {
        // Spectre assumes 80 columns when stdout is not a terminal; a log or a pipe has room for the whole journal row.
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 200;
    }

    /// <summary>Masked, then escaped for Spectre's markup.</summary>
    private string Cell(string? text) => Markup.Escape(output.Mask(text));

    public static string Duration(TimeSpan? value) => value switch
    {
        null => "",
        { TotalHours: >= 1 } v => v.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture),
        { TotalMinutes: >= 1 } v => v.ToString(@"m\:ss\.f", CultureInfo.InvariantCulture),
        var v => v.Value.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture) + " s",
    };

    private static string Time(DateTimeOffset? value) => value?.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "";

    public void WriteRun(Run run)
    {
        AnsiConsole.MarkupLine($"[bold]run {run.Id}[/] {Cell(run.DefinitionId)} v{run.DefinitionVersion} — [bold]{run.State}[/]");
        AnsiConsole.MarkupLine(Cell($"started {Time(run.StartedAt ?? run.CreatedAt)} by {run.StartedBy} ({run.Trigger}); wall time {Duration(run.WallTime)}; node {run.HolderNode ?? "-"}"));
        if (Holder(run) is { } holder) AnsiConsole.MarkupLine(run.HolderPresumedDead == true ? $"[red]{Cell(holder)}[/]" : Cell(holder));
        if (run.HaltReason is not null) AnsiConsole.MarkupLine($"[yellow]{Cell(run.HaltReason)}[/]");
        var table = new Table();
        FillStepTable(table, run);
        AnsiConsole.Write(table);
    }

    /// <summary>While a run is Running: which node holds it and when it last checked in — or that it is presumed dead.</summary>
    public static string? Holder(Run run)
    {
        if (run.State != Contracts.RunState.Running || run.HolderNode is null) return null;
        var seen = run.HolderCheckedInAt is { } at
            ? $"last checked in {Time(at)} ({Duration(TimeProvider.System.GetUtcNow() - at)} ago)"
            : "has no check-in with the cluster";
        if (run.HolderPresumedDead == true) return $"held by node {run.HolderNode}, which {seen}: node presumed dead — another node takes the run over";
        return run.HolderCheckedInAt is null
            ? $"held by node {run.HolderNode}, a command's temporary node executing it now (it holds the run's lock)"
            : $"held by node {run.HolderNode}, {seen}";
    }

    public void FillStepTable(Table table, Run run)
    {
        if (table.Columns.Count == 0)
        {
            table.AddColumns("#", "step", "activity", "state", "attempts", "work", "waiting", "note");
        }
        table.Rows.Clear();
        foreach (var s in run.Steps)
        {
            var note = s.WaitingAtGate is { } side ? $"waiting at the gate {side} the step" : s.SkipReason ?? s.Error ?? "";
            table.AddRow(
                (s.Position + 1).ToString(CultureInfo.InvariantCulture), Cell(s.StepId), Cell(s.Activity), Colour(s.State),
                s.Attempts.ToString(CultureInfo.InvariantCulture), Duration(s.WorkTime), s.WaitingTime > TimeSpan.Zero ? Duration(s.WaitingTime) : "",
                Cell(note));
        }
        table.Caption = new TableTitle($"run {run.Id}: {run.State}");
    }

    public void WriteOutcome(Run run)
    {
        var line = run.State switch
        {
            RunState.Succeeded => $"run {run.Id} succeeded in {Duration(run.WallTime)}.",
            RunState.WaitingForApproval when run.Steps.FirstOrDefault(s => s.State == StepState.WaitingForApproval)?.StepId is { } gate =>
                $"run {run.Id} waits for approval at step '{gate}': `run approve {run.Id} --step {gate}` or `run reject {run.Id} --step {gate} --note …`.",
            RunState.Halted => $"run {run.Id} halted: {run.HaltReason}. `run retry {run.Id}`, `run skip {run.Id} --step {run.Steps.FirstOrDefault(s => s.State == StepState.Failed)?.StepId ?? "…"} --reason …` or `run abort {run.Id} --reason …`.",
            _ => $"run {run.Id} is {run.State}{(run.HaltReason is null ? "" : ": " + run.HaltReason)}.",
        };
        if (run.State == RunState.Succeeded) output.Line(line);
        else output.Note(line);
    }

    public void WriteRuns(IReadOnlyList<Run> runs)
    {
        var table = new Table().AddColumns("id", "definition", "state", "trigger", "started", "by", "wall time", "steps done");
        foreach (var r in runs)
        {
            var done = r.Steps.Count(s => s.State is StepState.Succeeded or StepState.Skipped);
            table.AddRow(r.Id.ToString(CultureInfo.InvariantCulture), Cell($"{r.DefinitionId} v{r.DefinitionVersion}"), Colour(r.State), Cell(r.Trigger),
                Time(r.StartedAt ?? r.CreatedAt), Cell(r.StartedBy), Duration(r.WallTime), $"{done}/{r.Steps.Count}");
        }
        AnsiConsole.Write(table);
    }

    public void WriteJournal(IReadOnlyList<Attempt> attempts, IReadOnlyList<AuditEntry> audit)
    {
        var table = new Table().AddColumns("step", "attempt", "node", "started", "ended", "work", "waiting", "outcome", "error / intents");
        foreach (var a in attempts)
        {
            var detail = a.Error ?? string.Join("; ", a.Intents);
            table.AddRow(Cell(a.StepId), a.Number.ToString(CultureInfo.InvariantCulture), Cell(a.Node), Time(a.StartedAt), Time(a.EndedAt),
                Duration(a.Duration), a.WaitingTime > TimeSpan.Zero ? Duration(a.WaitingTime) : "", Cell(a.Outcome), Cell(detail));
        }
        AnsiConsole.Write(table);
        if (audit.Count == 0) return;
        var trail = new Table().AddColumns("when", "who", "what", "step", "why");
        foreach (var a in audit) trail.AddRow(Time(a.At), Cell(a.Who), Cell(a.Action), Cell(a.StepId), Cell(a.Reason ?? a.Details));
        AnsiConsole.Write(trail);
    }

    private static string Colour(RunState state) => state switch
    {
        RunState.Succeeded => "[green]Succeeded[/]",
        RunState.Halted or RunState.Aborted => $"[red]{state}[/]",
        RunState.WaitingForApproval => "[yellow]WaitingForApproval[/]",
        _ => state.ToString(),
    };

    private static string Colour(StepState state) => state switch
    {
        StepState.Succeeded => "[green]Succeeded[/]",
        StepState.Failed => "[red]Failed[/]",
        StepState.WaitingForApproval => "[yellow]WaitingForApproval[/]",
        StepState.Running => "[blue]Running[/]",
        _ => state.ToString(),
    };
}
