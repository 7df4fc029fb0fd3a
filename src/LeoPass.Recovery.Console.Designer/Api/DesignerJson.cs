using System.Text.Json;
using System.Text.Json.Serialization;

namespace LeoPass.Recovery.Console.Designer.Api;

/// <summary>
/// The designer's records, serialized by generated code that lives in this lazily loaded assembly:
/// the responder pages download none of it.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(IReadOnlyList<ActivityEntry>))]
[JsonSerializable(typeof(IReadOnlyList<DraftSummary>))]
[JsonSerializable(typeof(DraftDetails))]
[JsonSerializable(typeof(DraftSummary))]
[JsonSerializable(typeof(SaveDraftRequest))]
[JsonSerializable(typeof(DefinitionSummary))]
[JsonSerializable(typeof(DefinitionDetails))]
[JsonSerializable(typeof(IReadOnlyList<DefinitionVersionSummary>))]
[JsonSerializable(typeof(DefinitionCheck))]
[JsonSerializable(typeof(DefinitionDiff))]
[JsonSerializable(typeof(ImportRequest))]
[JsonSerializable(typeof(DryRunRequest))]
[JsonSerializable(typeof(DryRunPlan))]
[JsonSerializable(typeof(CronPreview))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class DesignerJson : JsonSerializerContext;
