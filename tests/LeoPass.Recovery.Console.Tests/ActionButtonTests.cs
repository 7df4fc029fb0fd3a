using LeoPass.Recovery.Console.Api;
using LeoPass.Recovery.Console.Auth;
using LeoPass.Recovery.Console.Runs;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using static LeoPass.Recovery.Console.Tests.RunsFor;

namespace LeoPass.Recovery.Console.Tests;

public sealed class ActionButtonTests : BunitContext
{
    private static readonly DefinitionRoles Drill = new("operator", "operator", "operator", "operator");
    private static readonly DefinitionRoles Production = new("admin", "admin", "admin", "admin");
    private static readonly string[] HaltedAllows = ["retry", "skip", "resume", "abort"];

    public ActionButtonTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton(new HttpClient { BaseAddress = new Uri("http://127.0.0.1:9/") });
        Services.AddScoped<TokenSession>();
        Services.AddScoped<IApiCredentials>(sp => sp.GetRequiredService<TokenSession>());
        Services.AddScoped<RecoveryApi>();
    }

    private static RunDetails Halted() => Details(Run("Halted", null, Step("restore", 0, "Succeeded"), Step("migrate", 1, "Failed", error: "exit 3"), Step("validate", 2, "Pending")),
        HaltedAllows, Attempt("migrate", 1, 0, 5, "Failed"));

    [Fact]
    public void Viewer_gets_no_action_at_all()
    {
        Assert.Empty(ActionRules.For(Halted().Run, HaltedAllows, Role.Viewer, Drill));

        var actions = Render<RunActions>(p => p.Add(a => a.Details, Halted()).Add(a => a.Role, Role.Viewer).Add(a => a.Roles, Drill));
        Assert.Empty(actions.FindAll("button"));
    }

    [Fact]
    public void Operator_on_a_halted_drill_may_retry_skip_resume_and_abort_but_not_decide_a_gate()
    {
        var choices = ActionRules.For(Halted().Run, HaltedAllows, Role.Operator, Drill).ToDictionary(c => c.Action);
        Assert.All(new[] { RunAction.Retry, RunAction.Skip, RunAction.Resume, RunAction.Abort }, a => Assert.True(choices[a].Enabled, a.ToString()));
        Assert.False(choices[RunAction.Approve].Enabled);
        Assert.Contains("halted", choices[RunAction.Approve].WhyNot, StringComparison.Ordinal);

        var actions = Render<RunActions>(p => p.Add(a => a.Details, Halted()).Add(a => a.Role, Role.Operator).Add(a => a.Roles, Drill));
        Assert.Equal(["retry", "resume", "skip", "abort"], actions.FindAll("button[data-action]").Select(b => b.GetAttribute("data-action")).OrderBy(Order));
        Assert.All(actions.FindAll("button[data-action]"), b => Assert.False(b.HasAttribute("disabled"), b.GetAttribute("data-action")));
    }

    [Fact]
    public void Operator_on_a_production_restore_sees_skip_and_abort_disabled_for_want_of_the_admin_role()
    {
        var choices = ActionRules.For(Halted().Run, HaltedAllows, Role.Operator, Production).ToDictionary(c => c.Action);
        Assert.True(choices[RunAction.Retry].Enabled);
        Assert.True(choices[RunAction.Resume].Enabled);
        Assert.False(choices[RunAction.Skip].Enabled);
        Assert.False(choices[RunAction.Abort].Enabled);
        Assert.Equal("needs the admin role", choices[RunAction.Abort].WhyNot);

        var actions = Render<RunActions>(p => p.Add(a => a.Details, Halted()).Add(a => a.Role, Role.Operator).Add(a => a.Roles, Production));
        Assert.True(actions.Find("button[data-action=abort]").HasAttribute("disabled"));
        Assert.False(actions.Find("button[data-action=retry]").HasAttribute("disabled"));
        Assert.Contains("needs the admin role", actions.Markup, StringComparison.Ordinal);

        Assert.All(ActionRules.For(Halted().Run, HaltedAllows, Role.Admin, Production).Where(c => c.Action is RunAction.Skip or RunAction.Abort), c => Assert.True(c.Enabled));
    }

    [Fact]
    public void Running_run_offers_abort_only()
    {
        var running = Details(Run("Running", null, Step("restore", 0, "Running")), ["abort"], Attempt("restore", 1, 0, null, "Running"));
        var choices = ActionRules.For(running.Run, running.AllowedNow, Role.Operator, Drill);
        Assert.Equal([RunAction.Abort], choices.Where(c => c.Enabled).Select(c => c.Action));

        var actions = Render<RunActions>(p => p.Add(a => a.Details, running).Add(a => a.Role, Role.Operator).Add(a => a.Roles, Drill));
        Assert.Equal(["abort"], actions.FindAll("button[data-action]").Select(b => b.GetAttribute("data-action")));
    }

    [Fact]
    public void Gate_decisions_are_enabled_only_while_a_step_waits_at_its_gate()
    {
        var waiting = Details(Run("WaitingForApproval", null, Step("restore", 0, "WaitingForApproval", gate: "before")), ["approve", "reject", "abort"]);
        var choices = ActionRules.For(waiting.Run, waiting.AllowedNow, Role.Operator, Production).ToDictionary(c => c.Action);
        Assert.True(choices[RunAction.Approve].Enabled);
        Assert.True(choices[RunAction.Reject].Enabled);
        Assert.False(choices[RunAction.Retry].Enabled);

        // A state that allows retry but has no failed step (never sent by the engine today) still refuses it.
        var odd = ActionRules.For(waiting.Run, ["retry"], Role.Admin, Drill).Single(c => c.Action == RunAction.Retry);
        Assert.False(odd.Enabled);
        Assert.Equal("no failed step to retry", odd.WhyNot);
    }

    [Fact]
    public void Unknown_definition_roles_keep_skip_and_abort_for_admins()
    {
        var choices = ActionRules.For(Halted().Run, HaltedAllows, Role.Operator, roles: null).ToDictionary(c => c.Action);
        Assert.False(choices[RunAction.Abort].Enabled);
        Assert.True(choices[RunAction.Retry].Enabled);
    }

    [Fact]
    public void Confirmations_say_what_will_happen_and_ask_a_reason_where_one_is_required()
    {
        var run = Halted().Run;
        var retry = ActionRules.Confirm(RunAction.Retry, run);
        Assert.Contains("'2. migrate' again as attempt 1", retry.Message, StringComparison.Ordinal);
        Assert.Null(retry.TextLabel);
        Assert.True(ActionRules.Confirm(RunAction.Abort, run).TextRequired);
        Assert.True(ActionRules.Confirm(RunAction.Skip, run).TextRequired);
        Assert.Contains("'2. migrate'", ActionRules.Confirm(RunAction.Skip, run).Message, StringComparison.Ordinal);
    }

    private static int Order(string? action) => Array.IndexOf(["retry", "resume", "skip", "abort"], action);
}
