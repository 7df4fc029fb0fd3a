using LeoPass.Recovery.Server.Roles;
using LeoPass.Recovery.Server.Tokens;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LeoPass.Recovery.Server.Audit;

/// <summary>
/// Writes every mutating call of an authenticated token to <c>access.audit</c> — who, what, the
/// answer's status — including refused ones (403, 409). The engine additionally records what
/// it did in its own audit trail under the same name (<c>token:&lt;name&gt;</c>).
/// Unauthenticated calls are not written: an attacker must not be able to fill the table.
/// </summary>
public sealed class ApiAuditMiddleware(RequestDelegate next, TokenStore store, TimeProvider clock, ILogger<ApiAuditMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        finally
        {
            if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method) && !HttpMethods.IsOptions(context.Request.Method)
                && ApiCaller.From(context.User) is { } caller)
            {
                await RecordAsync(context, caller);
            }
        }
    }

    private async Task RecordAsync(HttpContext context, ApiCaller caller)
    {
        try
        {
            await using var db = store.Open();
            db.Audit.Add(new ApiAuditRecord
            {
                At = clock.GetUtcNow(),
                Who = caller.Who,
                Method = context.Request.Method,
                Path = context.Request.Path.Value ?? "",
                Status = context.Response.StatusCode,
                RemoteAddress = context.Connection.RemoteIpAddress?.ToString(),
                IdempotencyKey = context.Request.Headers["Idempotency-Key"].FirstOrDefault() is { Length: > 0 and <= 200 } key ? key : null,
            });
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogError("could not write the API audit record of {Who} {Method} {Path}: {Error}", caller.Who, context.Request.Method, context.Request.Path, e.Message);
        }
    }
}
