using System.Text.Json.Serialization;
using LeoPass.Recovery.Core.Configuration;
using LeoPass.Recovery.Server.Apis;
using LeoPass.Recovery.Server.Audit;
using LeoPass.Recovery.Server.Boundary;
using LeoPass.Recovery.Server.Errors;
using LeoPass.Recovery.Server.Health;
using LeoPass.Recovery.Server.Idempotency;
using LeoPass.Recovery.Server.Metrics;
using LeoPass.Recovery.Server.Roles;
using LeoPass.Recovery.Server.Tokens;
using LeoPass.Recovery.Server.WebConsole;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.DependencyInjection;
using Serilog;

namespace LeoPass.Recovery.Server.Hosting;

public static class ApiServiceExtensions
{
    /// <summary>
    /// The HTTP API on top of an engine node (<see cref="RecoveryNode.AddRecoveryNode"/> first):
    /// bearer tokens and roles, problem details, health checks, the OpenAPI document, listening
    /// on LEOPASS_LISTEN_URL.
    /// </summary>
    public static WebApplicationBuilder AddRecoveryApi(this WebApplicationBuilder builder)
    {
        builder.WebHost.UseUrls(builder.Settings().Node.ListenUrl);

        var services = builder.Services;
        services.TryAddSingleton(new AuthFailureOptions());
        services.AddSingleton(sp => new TokenStore(sp.GetRequiredService<RecoverySettings>().RequireRecoveryDatabase(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<AuthFailureLimiter>();
        services.AddSingleton<IdempotentRunStarter>();
        services.AddSingleton<Designer.DefinitionImport>();
        services.AddHostedService<AccessStartup>();

        services.AddAuthentication(BearerTokenHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(BearerTokenHandler.SchemeName, null);
        services.AddAuthorizationBuilder().AddRolePolicies(BearerTokenHandler.SchemeName);

        services.AddProblemDetails(o => o.CustomizeProblemDetails = context => context.ProblemDetails.Instance ??= context.HttpContext.Request.Path);
        services.AddExceptionHandler<ApiExceptionHandler>();
        // Binding failures throw, so the exception handler can name the offending field.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));

        services.AddHealthChecks()
            .AddCheck<RecoveryDatabaseHealthCheck>("recovery-database", tags: [HealthApi.ReadyTag])
            .AddCheck<ArtefactStoreHealthCheck>("artefact-store", tags: [HealthApi.ReadyTag]);

        services.AddOpenApi(o => o.AddDocumentTransformer<BearerSecurityTransformer>().AddDocumentTransformer<TagsAndServersTransformer>());
        services.AddRecoveryMetrics();
        builder.AddRecoveryConsole();
        return builder;
    }

    /// <summary>The middleware and every endpoint group. Returns the app for chaining.</summary>
    public static WebApplication MapRecoveryApi(this WebApplication app)
    {
        // Request lines carry method, path and status only: never headers, never the query string.
        app.UseSerilogRequestLogging(o =>
        {
            o.Logger = app.Services.GetRequiredService<Serilog.ILogger>();
            o.MessageTemplate = "HTTP {RequestMethod} {RequestPath} → {StatusCode} in {Elapsed:0} ms";
        });
        // Outermost: every body written after it, problem details included, is masked on the way out.
        app.UseMiddleware<MaskedResponseMiddleware>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        // Outside authentication and authorization, so refusals (403) are audited too; it reads the caller after the call.
        app.UseMiddleware<ApiAuditMiddleware>();
        app.UseAuthentication();
        // After authentication: it throttles requests without a valid token, never a valid caller.
        app.UseMiddleware<AuthThrottleMiddleware>();
        app.UseAuthorization();
        // After authorization: only a caller allowed to call an endpoint learns how its input was wrong.
        app.UseMiddleware<InputBoundaryMiddleware>();

        // One group for every operation, so each is described alike (problem answers) whoever adds it.
        var api = app.MapGroup("");
        api.MapHealthApi();
        api.MapDefinitionsApi();
        api.MapDraftsApi();
        api.MapDryRunApi();
        api.MapActivitiesApi();
        api.MapRunsApi();
        api.MapBackupsApi();
        api.MapStatusApi();
        api.MapStatusHistoryApi();
        api.MapScheduleApi();
        api.MapMeApi();
        api.MapEventsApi();
        ((IEndpointConventionBuilder)api).Finally(ApiDescription.DeclareCommonProblems);
        app.MapRecoveryMetrics();

        app.MapOpenApi();
        app.MapApiReference();
        app.MapRecoveryConsole();
        return app;
    }
}
