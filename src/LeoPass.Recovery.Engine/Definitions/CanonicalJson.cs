using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace LeoPass.Recovery.Engine.Definitions;

/// <summary>
/// JSON written one way whatever its key order and whitespace: object keys sorted (ordinal) at
/// every depth, compact. Why: the database stores definitions as jsonb, which reorders keys, so
/// the text `GET /api/definitions/{id}` returns differs from the file that was published; hashing
/// this form makes publishing that text again the same content, as it is.
/// </summary>
public static class CanonicalJson
{
    public static string Of(string json) => Sorted(JsonNode.Parse(json))?.ToJsonString() ?? "null";

    /// <summary>SHA-256 (hex) of <see cref="Of"/>.</summary>
    public static string Hash(string json) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Of(json))));

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray array => new JsonArray(array.Select(Sorted).ToArray()),
        null => null,
        _ => node.DeepClone(),
    };
}
