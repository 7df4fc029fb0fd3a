using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LeoPass.Recovery.Engine.Activities;

namespace LeoPass.Recovery.Engine.Definitions;

/// <summary>
/// Reads definitions and refuses any that is not runnable here: first the shape
/// (workflows/schema.json), then what a schema cannot say — activity types registered in this
/// process, unique step ids, cron and durations that parse, required activity parameters set,
/// references to run parameters and earlier steps that exist. Every error names the file, the
/// JSON path and the reason; all errors of a file are reported together.
/// </summary>
/// <param name="environment">How <c>${NAME}</c> references resolve: the host's configuration (environment variables first).</param>
public sealed partial class DefinitionLoader(ActivityRegistry activities, Func<string, string?> environment)
{
    private readonly Func<string, string?> _environment = environment;

    /// <summary>Every *.json in the directory except schema.json, or one exception listing every error of every file.</summary>
    public IReadOnlyList<LoadedDefinition> LoadDirectory(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new InvalidDefinitionException([new DefinitionError(directory, JsonPath.Root, "the workflows directory does not exist")]);
        }
        var loaded = new List<LoadedDefinition>();
        var errors = new List<DefinitionError>();
        foreach (var file in DefinitionFiles(directory))
        {
            try
            {
                loaded.Add(LoadFile(file));
            }
            catch (InvalidDefinitionException e)
            {
                errors.AddRange(e.Errors);
            }
        }
        foreach (var duplicate in loaded.GroupBy(d => d.Definition.Id).Where(g => g.Count() > 1))
        {
            errors.Add(new DefinitionError(duplicate.Last().Source, "$.id", $"definition id '{duplicate.Key}' is also used by {string.Join(", ", duplicate.SkipLast(1).Select(d => d.Source))}"));
        }
        if (errors.Count > 0) throw new InvalidDefinitionException(errors);
        return loaded;
    }

    public LoadedDefinition LoadFile(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>
    /// The content hash (<see cref="LoadedDefinition.ContentHash"/>) of every definition file of the
    /// directory, without validating anything; null for a file that is not JSON, or a directory
    /// that does not exist (<see cref="LoadDirectory"/> then says what is wrong).
    /// </summary>
    public static IReadOnlyList<string?> ContentHashesOf(string directory)
    {
        if (!Directory.Exists(directory)) return [null];
        return DefinitionFiles(directory).Select(file =>
        {
            try
            {
                return JsonNode.Parse(File.ReadAllText(file), documentOptions: ReadOptions) is { } root ? CanonicalJson.Hash(root.ToJsonString()) : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }).ToList();
    }

    private static IEnumerable<string> DefinitionFiles(string directory) =>
        Directory.EnumerateFiles(directory, "*.json").Where(f => Path.GetFileName(f) != "schema.json").Order(StringComparer.Ordinal);

    private static readonly JsonDocumentOptions ReadOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>Validates JSON text; <paramref name="source"/> names it in errors (a file path, or "api" for a posted definition).</summary>
    public LoadedDefinition Parse(string json, string source)
    {
        JsonNode? root;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, ReadOptions);
            root = JsonNode.Parse(json, documentOptions: ReadOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDefinitionException([new DefinitionError(source, JsonPath.Root, $"not valid JSON: {e.Message}")]);
        }
        using (document)
        {
            var schemaErrors = WorkflowSchema.Validate(document.RootElement, source);
            if (schemaErrors.Count > 0) throw new InvalidDefinitionException(schemaErrors);
        }
        var errors = new List<DefinitionError>();
        var definition = Build((JsonObject)root!, source, errors);
        if (errors.Count > 0) throw new InvalidDefinitionException(errors);
        return new LoadedDefinition(definition, source, root!.ToJsonString());
    }

    private WorkflowDefinition Build(JsonObject root, string file, List<DefinitionError> errors)
    {
        void Error(string path, string reason) => errors.Add(new DefinitionError(file, path, reason));

        TimeSpan? rto = null;
        if (root["rtoTarget"]?.GetValue<string>() is { } rtoText)
        {
            if (IsoDuration.TryParse(rtoText, out var value)) rto = value;
            else Error("$.rtoTarget", $"'{rtoText}' is not an ISO 8601 duration such as PT2H");
        }

        var runParameters = new List<RunParameterDefinition>();
        if (root["parameters"] is JsonObject declared)
        {
            foreach (var (name, node) in declared)
            {
                var spec = node!.AsObject();
                runParameters.Add(new RunParameterDefinition(
                    name,
                    spec["description"]?.GetValue<string>(),
                    spec["required"]?.GetValue<bool>() ?? false,
                    spec["default"]?.DeepClone()));
            }
        }

        var trigger = BuildTrigger(root["trigger"]!.AsObject(), root["id"]!.GetValue<string>(), runParameters, Error);
        var steps = new List<StepDefinition>();
        var stepsArray = root["steps"]!.AsArray();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var allStepIds = stepsArray.Select(s => s!["id"]!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < stepsArray.Count; i++)
        {
            var path = JsonPath.Index("$.steps", i);
            var step = BuildStep(stepsArray[i]!.AsObject(), path, runParameters, seen, allStepIds, Error);
            if (seen.TryGetValue(step.Id, out var first))
            {
                Error(JsonPath.Property(path, "id"), $"duplicate step id '{step.Id}': also used by $.steps[{first}]");
            }
            else
            {
                seen[step.Id] = i;
            }
            steps.Add(step);
        }

        var id = root["id"]!.GetValue<string>();
        return new WorkflowDefinition(
            id,
            root["version"]!.GetValue<int>(),
            root["title"]!.GetValue<string>(),
            root["description"]?.GetValue<string>(),
            trigger,
            rto,
            runParameters,
            steps,
            BuildPolicy(root["policy"] as JsonObject, runParameters, Error),
            root["purpose"]?.GetValue<string>() switch
            {
                "backup" => DefinitionPurpose.Backup,
                "drill" => DefinitionPurpose.Drill,
                "incident" => DefinitionPurpose.Incident,
                "verify" => DefinitionPurpose.Verify,
                _ => DefinitionPurpose.Other,
            },
            root["label"]?.GetValue<string>() ?? id)
        {
            OnAbort = BuildAbortPolicy(root["onAbort"] as JsonObject, steps, Error),
        };
    }

    /// <summary>
    /// onAbort.undo may name only undo steps of this definition, each after a step it reverses:
    /// an abort runs them to put back what that step changed, so a step that reverses nothing (or
    /// nothing in this definition) would be a promise the abort cannot keep.
    /// </summary>
    private AbortPolicy BuildAbortPolicy(JsonObject? onAbort, List<StepDefinition> steps, Action<string, string> error)
    {
        // The schema allows only "keep" and "drop".
        var policy = onAbort?["restoreTarget"]?.GetValue<string>() == "drop" ? new AbortPolicy(RestoreTargetOnAbort.Drop) : AbortPolicy.KeepEverything;
        if (onAbort?["undo"] is not JsonArray undo) return policy;
        var ids = undo.Select(n => n!.GetValue<string>()).ToList();
        for (var i = 0; i < ids.Count; i++)
        {
            var path = JsonPath.Index("$.onAbort.undo", i);
            var position = steps.FindIndex(s => s.Id == ids[i]);
            if (position < 0)
            {
                error(path, $"'{ids[i]}' is not a step of this definition (steps: {string.Join(", ", steps.Select(s => s.Id))})");
                continue;
            }
            var step = steps[position];
            var reverses = activities.Find(step.Activity)?.Descriptor.Undo;
            if (reverses is null)
            {
                // An unknown activity is already reported at the step.
                if (activities.Find(step.Activity) is not null) error(path, $"step '{step.Id}' runs '{step.Activity}', which undoes nothing: list only undo steps (such as runbook.failback-dns or runbook.reopen-traffic)");
                continue;
            }
            if (!steps.Take(position).Any(s => s.Activity == reverses))
            {
                error(path, $"step '{step.Id}' undoes '{reverses}', which no earlier step of this definition runs: there is nothing for the abort to undo");
            }
        }
        return policy with { Undo = ids };
    }

    /// <summary>Production raises every role to admin unless the file says otherwise — and then it is an error, not a silent downgrade.</summary>
    private static DefinitionPolicy BuildPolicy(JsonObject? policy, List<RunParameterDefinition> runParameters, Action<string, string> error)
    {
        if (policy is null) return DefinitionPolicy.Default;
        var production = policy["production"]?.GetValue<bool>() ?? false;
        // A role the policy leaves out is admin's, like a missing policy: operators get only what is written.
        var fallback = PolicyRole.Admin;
        PolicyRole Role(string action)
        {
            var role = policy[action]?.GetValue<string>() switch
            {
                "admin" => PolicyRole.Admin,
                "operator" => PolicyRole.Operator,
                _ => fallback,
            };
            if (production && role != PolicyRole.Admin)
            {
                error($"$.policy.{action}", $"a production definition needs admin to {action}, not {role.ToString().ToLowerInvariant()}: set \"{action}\": \"admin\" or \"production\": false");
            }
            return role;
        }
        var result = new DefinitionPolicy(Role("start"), Role("skip"), Role("abort"), production);
        if (production && !runParameters.Any(p => p.Name == DefinitionPolicy.ConfirmParameter && p.Required))
        {
            error("$.parameters", $"a production definition must declare a required run parameter '{DefinitionPolicy.ConfirmParameter}' (the target database's name, typed to confirm: --confirm <name>)");
        }
        return result;
    }

    private WorkflowTrigger BuildTrigger(JsonObject trigger, string id, List<RunParameterDefinition> runParameters, Action<string, string> error)
    {
        var type = trigger["type"]!.GetValue<string>() switch
        {
            "cron" => WorkflowTriggerType.Cron,
            "api" => WorkflowTriggerType.Api,
            "after" => WorkflowTriggerType.After,
            _ => WorkflowTriggerType.Manual,
        };
        var cron = trigger["cron"]?.GetValue<string>();
        var zone = trigger["timeZone"]?.GetValue<string>();
        if (type != WorkflowTriggerType.Cron && cron is not null)
        {
            error("$.trigger.cron", $"a cron is only read for trigger type 'cron', not '{trigger["type"]}'");
        }
        FollowedDefinition? after = null;
        if (trigger["after"] is JsonObject followed)
        {
            if (type != WorkflowTriggerType.After) error("$.trigger.after", $"'after' is only read for trigger type 'after', not '{trigger["type"]}'");
            var enabled = followed["enabled"] switch
            {
                JsonValue v when v.TryGetValue<bool>(out var b) => b ? "true" : "false",
                JsonValue v => v.GetValue<string>(),
                _ => "true",
            };
            after = new FollowedDefinition(followed["definition"]!.GetValue<string>(),
                (followed["parameters"] as JsonObject ?? []).ToDictionary(p => p.Key, p => p.Value!.GetValue<string>(), StringComparer.Ordinal), enabled);
            try
            {
                if (EnvironmentReferences.Resolve(enabled, _environment).Trim().ToLowerInvariant() is not ("true" or "false"))
                {
                    error("$.trigger.after.enabled", $"'{enabled}' is not true or false");
                }
            }
            catch (KeyNotFoundException e)
            {
                error("$.trigger.after.enabled", e.Message);
            }
            if (after.DefinitionId == id) error("$.trigger.after.definition", $"a definition cannot follow itself ('{id}'): every run would start another");
            foreach (var name in after.Parameters.Keys.Where(n => runParameters.All(p => p.Name != n)))
            {
                error(JsonPath.Property("$.trigger.after.parameters", name), $"'{name}' is not a run parameter of this definition (declared: {(runParameters.Count == 0 ? "none" : string.Join(", ", runParameters.Select(p => p.Name)))})");
            }
        }
        if (type == WorkflowTriggerType.Cron && cron is not null)
        {
            string resolvedCron, resolvedZone;
            try
            {
                resolvedCron = EnvironmentReferences.Resolve(cron, _environment);
                resolvedZone = zone is null ? "UTC" : EnvironmentReferences.Resolve(zone, _environment);
            }
            catch (KeyNotFoundException e)
            {
                error("$.trigger", e.Message);
                return new WorkflowTrigger(type, cron, zone) { After = after };
            }
            if (!CronSchedule.TryParse(resolvedCron, resolvedZone, out _, out var reason))
            {
                var path = reason.StartsWith("time zone", StringComparison.Ordinal) ? "$.trigger.timeZone" : "$.trigger.cron";
                error(path, reason + (resolvedCron != cron ? $" (resolved from '{cron}')" : ""));
            }
        }
        return new WorkflowTrigger(type, cron, zone) { After = after };
    }

    private StepDefinition BuildStep(JsonObject step, string path, List<RunParameterDefinition> runParameters, Dictionary<string, int> earlierSteps, IReadOnlySet<string> allSteps, Action<string, string> error)
    {
        var id = step["id"]!.GetValue<string>();
        var activityType = step["activity"]!.GetValue<string>();
        var parameters = step["parameters"]?.DeepClone().AsObject() ?? [];
        var registration = activities.Find(activityType);
        if (registration is null)
        {
            var known = activities.All.Select(a => a.Descriptor.Type).Order(StringComparer.Ordinal).ToList();
            error(JsonPath.Property(path, "activity"), $"unknown activity type '{activityType}' (registered: {(known.Count == 0 ? "none" : string.Join(", ", known))})");
        }
        else
        {
            CheckParameters(registration.Descriptor, parameters, JsonPath.Property(path, "parameters"), runParameters, error);
        }
        CheckReferences(parameters, JsonPath.Property(path, "parameters"), runParameters, earlierSteps, allSteps, error);

        TimeSpan? timeout = Duration(step["timeout"], JsonPath.Property(path, "timeout"), error);
        if (timeout == TimeSpan.Zero) error(JsonPath.Property(path, "timeout"), "a timeout must be longer than zero");

        var retry = RetryPolicy.None;
        if (step["retry"] is JsonObject r)
        {
            var retryPath = JsonPath.Property(path, "retry");
            retry = new RetryPolicy(
                r["maxAttempts"]?.GetValue<int>() ?? 1,
                r["backoff"]?.GetValue<string>() switch
                {
                    "linear" => BackoffKind.Linear,
                    "exponential" => BackoffKind.Exponential,
                    _ => BackoffKind.Constant,
                },
                Duration(r["delay"], JsonPath.Property(retryPath, "delay"), error) ?? TimeSpan.FromSeconds(1),
                Duration(r["maxDelay"], JsonPath.Property(retryPath, "maxDelay"), error),
                r["jitter"]?.GetValue<bool>() ?? false);
        }

        return new StepDefinition(
            id,
            step["title"]?.GetValue<string>() ?? id,
            activityType,
            parameters,
            timeout,
            retry,
            Gate(step["gate"]?["before"], "Approve before this step starts?"),
            Gate(step["gate"]?["after"], "Approve the result of this step?"),
            step["enabled"]?.GetValue<bool>() ?? true);
    }

    private static void CheckParameters(ActivityDescriptor activity, JsonObject parameters, string path, List<RunParameterDefinition> runParameters, Action<string, string> error)
    {
        foreach (var (name, _) in parameters)
        {
            if (activity.Find(name) is null)
            {
                error(JsonPath.Property(path, name), $"activity '{activity.Type}' has no parameter '{name}' (declared: {string.Join(", ", activity.Parameters.Select(p => p.Name))})");
            }
        }
        foreach (var parameter in activity.Parameters.Where(p => p.Required && p.Default is null))
        {
            if (parameters.ContainsKey(parameter.Name)) continue;
            // A run parameter of the same name overrides step values, so one that always has a value satisfies the requirement.
            var run = runParameters.FirstOrDefault(p => p.Name == parameter.Name);
            if (run is not null && (run.Required || run.Default is not null)) continue;
            error(JsonPath.Property(path, parameter.Name), $"missing required parameter '{parameter.Name}' of activity '{activity.Type}': {parameter.Description}");
        }
        foreach (var parameter in activity.Parameters.Where(p => p.Format is not null || p.Allowed is not null))
        {
            // A reference is resolved when the run starts; only a value written out can be checked now.
            if (parameters[parameter.Name] is not JsonValue given || !given.TryGetValue<string>(out var text) || text.Contains("${", StringComparison.Ordinal)) continue;
            if (parameter.Format == "duration" && !IsoDuration.TryParse(text, out _))
            {
                error(JsonPath.Property(path, parameter.Name), $"'{text}' is not an ISO 8601 duration such as PT30S, PT5M or PT2H (parameter '{parameter.Name}' of activity '{activity.Type}')");
            }
            if (parameter.Allowed is { } allowed && !allowed.Contains(text, StringComparer.Ordinal))
            {
                error(JsonPath.Property(path, parameter.Name), $"'{text}' is not one of {string.Join(", ", allowed)} (parameter '{parameter.Name}' of activity '{activity.Type}')");
            }
        }
        foreach (var parameter in activity.Parameters.Where(p => p.Secret))
        {
            // The value is never repeated in the error: it may be the secret itself.
            if (parameters[parameter.Name] is { } given && !IsEnvironmentReference(given))
            {
                error(JsonPath.Property(path, parameter.Name), $"secret parameter '{parameter.Name}' of activity '{activity.Type}' is given in clear: write an environment reference such as ${{{EnvironmentNameFor(parameter.Name)}}} and set that variable on the nodes");
            }
        }
    }

    private static bool IsEnvironmentReference(JsonNode value) =>
        value is JsonValue v && v.TryGetValue<string>(out var text) && WholeEnvironmentReference().IsMatch(text);

    private static string EnvironmentNameFor(string parameter) =>
        string.Concat(parameter.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + c : char.ToUpperInvariant(c).ToString()));

    private static void CheckReferences(JsonNode? node, string path, List<RunParameterDefinition> runParameters, Dictionary<string, int> earlierSteps, IReadOnlySet<string> allSteps, Action<string, string> error)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj) CheckReferences(child, JsonPath.Property(path, name), runParameters, earlierSteps, allSteps, error);
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++) CheckReferences(array[i], JsonPath.Index(path, i), runParameters, earlierSteps, allSteps, error);
                break;
            case JsonValue value when value.TryGetValue<string>(out var text):
                foreach (Match m in ParameterReference().Matches(text))
                {
                    var reference = m.Groups["ref"].Value;
                    if (reference.StartsWith("run.", StringComparison.Ordinal))
                    {
                        var name = reference["run.".Length..];
                        if (runParameters.All(p => p.Name != name)) error(path, $"'{m.Value}' names run parameter '{name}', which $.parameters does not declare");
                    }
                    else if (StepOutputReference().Match(reference) is { Success: true } step)
                    {
                        var named = step.Groups["step"].Value;
                        if (earlierSteps.ContainsKey(named)) continue;
                        // Steps run in order, so reading this step's or a later one's output is a cycle: it waits for itself.
                        error(path, allSteps.Contains(named)
                            ? $"'{m.Value}' names step '{named}', which runs at or after this one: a cycle (a step may read only earlier steps' outputs; move it earlier or drop the reference)"
                            : $"'{m.Value}' names step '{named}', which this definition does not have");
                    }
                    // Other ${NAME} forms are environment references, resolved by activities that accept them.
                }
                break;
        }
    }

    private static TimeSpan? Duration(JsonNode? node, string path, Action<string, string> error)
    {
        if (node?.GetValue<string>() is not { } text) return null;
        if (IsoDuration.TryParse(text, out var value)) return value;
        error(path, $"'{text}' is not an ISO 8601 duration such as PT30S or PT2H");
        return null;
    }

    private static ApprovalGate? Gate(JsonNode? node, string defaultQuestion) => node switch
    {
        JsonValue v when v.TryGetValue<bool>(out var b) => b ? new ApprovalGate(defaultQuestion) : null,
        JsonValue v when v.TryGetValue<string>(out var s) => new ApprovalGate(s),
        _ => null,
    };

    [GeneratedRegex(@"\$\{(?<ref>(run|steps)\.[^}]+)\}")]
    internal static partial Regex ParameterReference();

    [GeneratedRegex(@"^\$\{[A-Za-z_][A-Za-z0-9_]*\}$")]
    private static partial Regex WholeEnvironmentReference();

    [GeneratedRegex(@"^steps\.(?<step>[a-z][a-z0-9-]*)\.output\.(?<field>.+)$")]
    internal static partial Regex StepOutputReference();
}
