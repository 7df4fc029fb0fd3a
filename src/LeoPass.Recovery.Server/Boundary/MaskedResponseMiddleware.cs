using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace LeoPass.Recovery.Server.Boundary;

/// <summary>
/// Every body the API answers — JSON, problem details, Markdown, server-sent events — passes
/// through <see cref="MaskingResponseStream"/> on its way out, so no handler has to remember to
/// mask a secret. Outermost of the middleware, so what the exception handler and the status-code
/// pages write is masked too.
/// </summary>
public sealed class MaskedResponseMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var original = http.Response.Body;
        var masking = new MaskingResponseStream(http.Response, original);
        http.Response.Body = masking;
        try
        {
            await next(http);
            // What the handler wrote through the pipe writer reaches the masking stream first.
            if (http.Features.Get<IHttpResponseBodyFeature>() is StreamResponseBodyFeature feature && ReferenceEquals(feature.Stream, masking)) await feature.CompleteAsync();
            await masking.CompleteAsync(http.RequestAborted);
        }
        finally
        {
            http.Response.Body = original;
            await masking.DisposeAsync();
        }
    }
}
