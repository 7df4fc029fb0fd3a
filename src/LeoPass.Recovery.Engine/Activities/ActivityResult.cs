using System.Text.Json;
using System.Text.Json.Nodes;

namespace LeoPass.Recovery.Engine.Activities;

/// <summary>What a successful attempt returns: a small JSON object stored in the journal.</summary>
public sealed record ActivityResult(JsonObject Output)
{
    /// <summary>Outputs are journal data, not payload: anything larger belongs in storage.</summary>
    public const int MaxOutputBytes = 16 * 1024;

    public static ActivityResult Completed() => new([]);

    public static ActivityResult Completed(JsonObject output) => new(output);

    /// <summary>Builds the output from an anonymous object or record, e.g. <c>Completed(new { key, bytes })</c>.</summary>
    public static ActivityResult Completed<T>(T output) where T : notnull =>
        new(JsonSerializer.SerializeToNode(output, JsonOptions) as JsonObject
            ?? throw new ArgumentException("an activity output must serialise to a JSON object", nameof(output)));

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
}
