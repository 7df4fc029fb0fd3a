using System.Text.Json;
using System.Text.Unicode;
using LeoPass.Recovery.Server.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace LeoPass.Recovery.Server.Boundary;

/// <summary>
/// Reads a JSON body once before the handler binds it: at most <see cref="InputRules.MaxBodyBytes"/>,
/// well-formed UTF-8 JSON, nested at most <see cref="InputRules.MaxJsonDepth"/> deep, and no NUL in a name or
/// a string (PostgreSQL refuses one in text and jsonb alike). The handler reads the same bytes from memory.
/// </summary>
public static class JsonBodyCheck
{
    /// <summary>The refusal, or null when the body may go on to the handler.</summary>
    public static async Task<ProblemDetails?> CheckAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > InputRules.MaxBodyBytes) return TooLarge();
        var body = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (body.Length + read > InputRules.MaxBodyBytes) return TooLarge();
            body.Write(buffer, 0, read);
        }
        body.Position = 0;
        request.Body = body;

        var errors = new Validation();
        var bytes = body.GetBuffer().AsMemory(0, (int)body.Length);
        // The JSON reader checks a string's UTF-8 only when the string is read, which a handler's binder does too late.
        if (!Utf8.IsValid(bytes.Span))
        {
            errors.Add("body", "the body is not valid UTF-8; send JSON encoded as UTF-8");
            return errors.Problem();
        }
        try
        {
            using var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = InputRules.MaxJsonDepth });
            Walk(document.RootElement, "", errors);
        }
        catch (JsonException e)
        {
            // The reader's message names the line and byte; the depth limit reads "exceeds the maximum configured depth of 32".
            errors.Add(e.Path is { Length: > 1 } path ? path.TrimStart('$', '.') : "body", $"the body is not JSON this API accepts: {e.Message.Split(" Path:")[0]}");
        }
        return errors.IsValid ? null : errors.Problem();
    }

    private static void Walk(JsonElement element, string path, Validation errors)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    var at = path.Length == 0 ? property.Name : $"{path}.{property.Name}";
                    if (property.Name.Contains('\0')) errors.Add(path.Length == 0 ? "body" : path, "a property name contains a NUL character (\\u0000)");
                    else Walk(property.Value, at, errors);
                }
                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray()) Walk(item, $"{path}[{index++}]", errors);
                break;
            case JsonValueKind.String when element.GetString()!.Contains('\0'):
                errors.Add(path.Length == 0 ? "body" : path, "the text contains a NUL character (\\u0000), which cannot be stored; remove it");
                break;
        }
    }

    private static ProblemDetails TooLarge() => new()
    {
        Status = StatusCodes.Status413PayloadTooLarge,
        Title = "The body is too large",
        Detail = $"a JSON body may be at most {InputRules.MaxBodyBytes / 1024} KiB",
    };
}
