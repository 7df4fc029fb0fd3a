using System.Text.Json.Serialization;
using LeoPass.Recovery.Core.Configuration;
using LeoPass.Recovery.Server.Access;
using LeoPass.Recovery.Server.Apis;
using LeoPass.Recovery.Server.Auth;
using LeoPass.Recovery.Server.Errors;
using LeoPass.Recovery.Server.Health;
using LeoPass.Recovery.Server.Idempotency;
using LeoPass.Recovery.Server.WebConsole;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Serilog;
using Serilog.Events;

namespace LeoPass.Recovery.Server.Hosting;

public static class ApiServiceExtensions
{
    /// <summary>
    /// The HTTP API on top of an engine node: redacted logging, bearer tokens and roles, problem
    /// details, health checks, the OpenAPI document. The engine and the backup services must be
    /// registered too (the `server` command does it with the CLI's engine setup).
    /// </summary>
    public static WebApplicationBuilder AddRecoveryApi(this WebApplicationBuilder builder, ApiOptions options)
    {
        builder.WebHost.UseUrls(options.ListenUrl);
        builder.AddRedactedLogging(options.LogWriter ?? Console.Error);

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(options.AuthFailures);
        services.AddSingleton(sp => new TokenStore(sp.GetRequiredService<RecoverySettings>().RequireRecoveryDatabase(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<AuthFailureLimiter>();
        services.AddSingleton<IdempotentRunStarter>();
        services.AddHostedService<AccessStartup>();

        services.AddAuthentication(BearerTokenHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(BearerTokenHandler.SchemeName, null);
        services.AddAuthorizationBuilder().AddRolePolicies();

        services.AddProblemDetails(o => o.CustomizeProblemDetails = context => RedactProblem(context.ProblemDetails, context.HttpContext));
        services.AddExceptionHandler<ApiExceptionHandler>();
        // Binding failures throw, so the exception handler can name the offending field.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));

        services.AddHealthChecks()
            .AddCheck<RecoveryDatabaseHealthCheck>("recovery-database", tags: [HealthApi.ReadyTag])
            .AddCheck<ArtefactStoreHealthCheck>("artefact-store", tags: [HealthApi.ReadyTag]);

        services.AddOpenApi(o => o.AddDocumentTransformer<BearerSecurityTransformer>());
        builder.AddRecoveryConsole();
        return builder;
    }

    /// <summary>Serilog, one redacted line per event; framework chatter only from warnings up.</summary>
    public static WebApplicationBuilder AddRedactedLogging(this WebApplicationBuilder builder, TextWriter writer)
    {
        // A logger of this host's own (not Serilog's static one): several hosts in one process keep their logs apart.
        var logger = new LoggerConfiguration()
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
            .MinimumLevel.Override("Quartz", LogEventLevel.Warning)
            .MinimumLevel.Override("System.Net.Http", LogEventLevel.Warning)
            .Enrich.FromLogContext()
            .WriteTo.Sink(new RedactingLogSink(writer))
            .CreateLogger();
        builder.Services.AddSingleton<Serilog.ILogger>(logger);
        builder.Services.AddSerilog(logger, dispose: true);
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
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<AuthThrottleMiddleware>();
        // Outside authentication and authorization, so refusals (403) are audited too; it reads the caller after the call.
        app.UseMiddleware<ApiAuditMiddleware>();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapHealthApi();
        app.MapDefinitionsApi();
        app.MapRunsApi();
        app.MapBackupsApi();
        app.MapStatusApi();
        app.MapStatusHistoryApi();
        app.MapScheduleApi();
        app.MapMeApi();
        app.MapEventsApi();

        app.MapOpenApi();
        app.MapApiReference();
        app.MapRecoveryConsole();
        return app;
    }

    private static void RedactProblem(ProblemDetails problem, HttpContext http)
    {
        problem.Instance ??= http.Request.Path;
        problem.Title = problem.Title is null ? null : ApiRedactor.Redact(problem.Title);
        problem.Detail = problem.Detail is null ? null : ApiRedactor.Redact(problem.Detail);
        if (problem is HttpValidationProblemDetails validation)
        {
            // Field names are redacted too: an unknown parameter's name is whatever the caller sent.
            var errors = validation.Errors.ToList();
            validation.Errors.Clear();
            foreach (var (field, messages) in errors) validation.Errors[ApiRedactor.Redact(field)] = messages.Select(ApiRedactor.Redact).ToArray();
        }
        foreach (var key in problem.Extensions.Keys.ToList())
        {
            if (problem.Extensions[key] is string text) problem.Extensions[key] = ApiRedactor.Redact(text);
        }
    }
}
