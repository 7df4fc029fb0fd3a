using System.Text.Json;
using System.Text.Json.Serialization;

namespace LeoPass.Recovery.Console.Api;

/// <summary>
/// The contract's types, serialized by generated code: no reflection at run time, so the trimmed
/// WebAssembly download keeps what it needs and nothing more.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(RunDetails))]
[JsonSerializable(typeof(IReadOnlyList<Run>))]
[JsonSerializable(typeof(RunReport))]
[JsonSerializable(typeof(RunChange))]
[JsonSerializable(typeof(StartRunBody))]
[JsonSerializable(typeof(RecoveryStatus))]
[JsonSerializable(typeof(IReadOnlyList<ScheduledDefinition>))]
[JsonSerializable(typeof(StatusHistory))]
[JsonSerializable(typeof(IReadOnlyList<BackupSummary>))]
[JsonSerializable(typeof(BackupVerification))]
[JsonSerializable(typeof(BackupManifest))]
[JsonSerializable(typeof(IReadOnlyList<DefinitionSummary>))]
[JsonSerializable(typeof(DefinitionDetails))]
[JsonSerializable(typeof(Caller))]
[JsonSerializable(typeof(ProblemDetails))]
[JsonSerializable(typeof(StepBody))]
[JsonSerializable(typeof(ReasonBody))]
[JsonSerializable(typeof(GateBody))]
internal sealed partial class ConsoleJson : JsonSerializerContext;

/// <summary>RFC 7807 problem details, as every error of the API reads.</summary>
public sealed record ProblemDetails(string? Title, string? Detail, int? Status, Dictionary<string, string[]>? Errors);

internal sealed record StepBody(string Step, string Reason);

internal sealed record ReasonBody(string Reason);

internal sealed record GateBody(string Step, string? Note);
