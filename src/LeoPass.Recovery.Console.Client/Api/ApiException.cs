namespace LeoPass.Recovery.Console.Api;

/// <summary>The API refused or failed a call; <see cref="Message"/> is what the responder reads (the problem's detail and field errors).</summary>
public sealed class ApiException(int status, string message, IReadOnlyDictionary<string, string[]>? errors = null) : Exception(message)
{
    public int Status { get; } = status;

    /// <summary>The problem's field errors, by field or JSON path ("$.steps[2].activity"); empty when it named none.</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors ?? new Dictionary<string, string[]>();

    public bool IsUnauthorized => Status == 401;

    public static ApiException From(int status, ProblemDetails? problem)
    {
        var text = problem?.Detail ?? problem?.Title ?? $"the server answered {status}";
        if (problem?.Errors is { Count: > 0 } errors)
        {
            text = string.Join("; ", errors.SelectMany(e => e.Value.Select(m => $"{e.Key}: {m}")));
        }
        return new ApiException(status, text, problem?.Errors);
    }
}
