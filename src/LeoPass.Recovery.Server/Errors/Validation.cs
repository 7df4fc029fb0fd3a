using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace LeoPass.Recovery.Server.Errors;

/// <summary>Collects what is wrong with a request, field by field, into one 400 problem.</summary>
public sealed class Validation
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;

    public Validation Require(string field, string? value, string message)
    {
        if (string.IsNullOrWhiteSpace(value)) Add(field, message);
        return this;
    }

    public Validation Check(bool ok, string field, string message)
    {
        if (!ok) Add(field, message);
        return this;
    }

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = [];
        list.Add(message);
    }

    public ValidationProblem Result() => TypedResults.ValidationProblem(Errors(), title: Title);

    public HttpValidationProblemDetails Problem() => Problem(Errors());

    public static HttpValidationProblemDetails Problem(IDictionary<string, string[]> errors) =>
        new(errors) { Status = 400, Title = Title };

    private const string Title = "The request is not valid";

    private Dictionary<string, string[]> Errors() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray());
}
