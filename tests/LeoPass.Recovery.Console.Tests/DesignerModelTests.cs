using System.Text.Json;
using System.Text.Json.Nodes;
using LeoPass.Recovery.Console.Designer.Model;

namespace LeoPass.Recovery.Console.Tests;

/// <summary>The designer's model without a browser: edits and their undo, where the API's errors land, the run overlay, the property fields.</summary>
public sealed class DesignerModelTests
{
    private static WorkflowDocument ThreeSteps()
    {
        var document = WorkflowDocument.New("designed", "Designed");
        document.InsertStep(0, "runbook.provision-database");
        document.InsertStep(1, "runbook.download-artefact");
        document.InsertStep(2, "runbook.restore");
        document.SetStepValue(1, "parameters.backup", JsonValue.Create("2026-12-01"));
        document.SetStepValue(1, "retry.maxAttempts", JsonValue.Create(3));
        return document;
    }

    private static IEnumerable<string> Ids(WorkflowDocument document) => document.Steps.Select(s => WorkflowDocument.Text(s, "id")!);

    [Fact]
    public void Undo_restores_a_deleted_step_exactly_and_redo_deletes_it_again()
    {
        var document = ThreeSteps();
        var before = document.Steps[1].ToJsonString();

        document.DeleteStep(1);
        Assert.Equal(["provision-database", "restore"], Ids(document));

        document.Undo();
        Assert.Equal(["provision-database", "download-artefact", "restore"], Ids(document));
        Assert.Equal(before, document.Steps[1].ToJsonString());
        Assert.True(document.CanRedo);

        document.Redo();
        Assert.Equal(["provision-database", "restore"], Ids(document));
    }

    [Fact]
    public void A_new_edit_after_an_undo_forgets_the_redo_and_moves_keep_every_step()
    {
        var document = ThreeSteps();
        document.MoveStep(2, 0);
        Assert.Equal(["restore", "provision-database", "download-artefact"], Ids(document));
        document.Undo();
        document.InsertStep(3, "runbook.restore");
        Assert.False(document.CanRedo);
        Assert.Equal(["provision-database", "download-artefact", "restore", "restore-2"], Ids(document));
    }

    [Fact]
    public void Clearing_the_last_retry_setting_removes_the_empty_retry_object()
    {
        var document = ThreeSteps();
        document.SetStepValue(1, "retry.maxAttempts", null);
        Assert.Null(document.Steps[1]["retry"]);
        Assert.Equal("2026-12-01", document.StepValue(1, "parameters.backup")!.GetValue<string>());
    }

    [Fact]
    public void Api_errors_land_on_the_step_and_field_their_json_path_names()
    {
        var placed = ValidationErrors.Place(new Dictionary<string, string[]>
        {
            ["$.steps[2].parameters.duration"] = ["'soon' is not an ISO 8601 duration"],
            ["$.steps[0].activity"] = ["unknown activity type 'x'"],
            ["$.trigger.cron"] = ["bad cron"],
        });
        Assert.Equal(new PlacedError("$.trigger.cron", null, "trigger.cron", "bad cron"), placed[0]);
        Assert.Equal(new PlacedError("$.steps[0].activity", 0, "activity", "unknown activity type 'x'"), placed[1]);
        Assert.Equal(2, placed[2].Step);
        Assert.Equal("parameters.duration", placed[2].Field);
    }

    [Fact]
    public void Nodes_carry_badges_errors_and_a_one_line_summary()
    {
        var document = ThreeSteps();
        document.SetStepValue(0, "gate.before", JsonValue.Create("Restore into staging?"));
        document.SetStepValue(0, "timeout", JsonValue.Create("PT10M"));
        document.SetStepValue(2, "enabled", JsonValue.Create(false));
        var errors = ValidationErrors.Place(new Dictionary<string, string[]> { ["$.steps[1].parameters.backup"] = ["no backup that day"] });

        var nodes = CanvasLayout.Build(document.Steps, errors, null, selected: 1);

        Assert.Equal(["gate before", "timeout 10 min"], nodes[0].Badges.Select(b => b.Text));
        Assert.Equal(["retry ×3"], nodes[1].Badges.Select(b => b.Text));
        Assert.Equal(["disabled"], nodes[2].Badges.Select(b => b.Text));
        Assert.True(nodes[1].Selected);
        Assert.Equal("Step 2 of 3: download-artefact, runbook.download-artefact, retry ×3, 1 error", nodes[1].Label);
    }

    [Fact]
    public void Overlay_shows_the_last_outcome_the_median_of_successes_and_the_running_step()
    {
        static Run RunOf(long id, int minute, RunState state, params (string Id, StepState State, double Seconds)[] steps) => new(
            id, "designed", 1, state, "api", "token:x", RunsFor.Start.AddMinutes(minute), null, null, null, null, null,
            steps.Select((s, i) => new Step(s.Id, i, s.Id, "diagnostics.sleep", s.State, 1, TimeSpan.FromSeconds(s.Seconds), TimeSpan.Zero, null, null, null, null)).ToList());
        var runs = new[]
        {
            RunOf(1, 0, RunState.Succeeded, ("wait", StepState.Succeeded, 10), ("say", StepState.Succeeded, 1)),
            RunOf(2, 10, RunState.Succeeded, ("wait", StepState.Succeeded, 30), ("say", StepState.Succeeded, 1)),
            RunOf(3, 20, RunState.Halted, ("wait", StepState.Succeeded, 20), ("say", StepState.Failed, 2)),
            RunOf(4, 30, RunState.Running, ("wait", StepState.Running, 0), ("say", StepState.Pending, 0)),
        };

        var overlay = RunOverlay.Build(runs);

        Assert.True(overlay["wait"].Running);
        Assert.Equal(4, overlay["wait"].RunningRun);
        Assert.Equal(TimeSpan.FromSeconds(20), overlay["wait"].Median);
        Assert.Equal(StepState.Failed, overlay["say"].LastState);
        Assert.Equal(TimeSpan.FromSeconds(2), overlay["say"].LastDuration);
        Assert.Equal("last: failed in 2.0 s · median 1.0 s over 2 runs", CanvasLayout.OverlayText(overlay["say"]));
    }

    [Theory]
    [InlineData("PT5M", 300.0)]
    [InlineData("PT1H30M", 5400.0)]
    [InlineData("P1D", 86400.0)]
    [InlineData("PT0.5S", 0.5)]
    [InlineData("P1DT2H", 93600.0)]
    [InlineData("soon", null)]
    [InlineData("PT", null)]
    [InlineData("PT5", null)]
    [InlineData("P1M", null)]
    [InlineData("PT5M1H", null)]
    [InlineData("P5H", null)]
    public void Durations_read_as_the_api_writes_them(string text, double? seconds)
    {
        Assert.Equal(seconds is not null, IsoDuration.TryParse(text, out var value));
        if (seconds is { } expected) Assert.Equal(TimeSpan.FromSeconds(expected), value);
    }

    [Fact]
    public void Property_fields_come_from_the_json_schema_and_a_clear_secret_is_refused()
    {
        var schema = JsonSerializer.SerializeToElement(JsonNode.Parse("""
            {"type":"object","properties":{
              "duration":{"type":"string","format":"duration","description":"How long"},
              "decrypt":{"type":"string","enum":["auto","always","never"],"default":"auto"},
              "smokeTests":{"type":"boolean","default":true},
              "jobs":{"type":"integer"},
              "credential":{"type":"string","secret":true}},
             "required":["duration"]}
            """));

        var fields = SchemaFields.From(schema).ToDictionary(f => f.Name);

        Assert.Equal(FieldKind.Duration, fields["duration"].Kind);
        Assert.True(fields["duration"].Required);
        Assert.Equal(["auto", "always", "never"], fields["decrypt"].Choices);
        Assert.Equal(FieldKind.Boolean, fields["smokeTests"].Kind);
        Assert.Equal("true", fields["smokeTests"].Default);
        Assert.Equal(FieldKind.Number, fields["jobs"].Kind);
        Assert.Equal(FieldKind.Secret, fields["credential"].Kind);
        Assert.Null(SchemaFields.Refusal(fields["credential"], "${CLOUDFLARE_API_TOKEN}"));
        Assert.Contains("never the secret itself", SchemaFields.Refusal(fields["credential"], "hunter2"), StringComparison.Ordinal);
        Assert.NotNull(SchemaFields.Refusal(fields["credential"], "${TOKEN} and more"));
        Assert.NotNull(SchemaFields.Refusal(fields["credential"], "${9LIVES}"));
    }
}
