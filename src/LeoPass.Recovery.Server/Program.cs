using LeoPass.Recovery.Server.Hosting;
using Microsoft.AspNetCore.Builder;

namespace LeoPass.Recovery.Server;

/// <summary>
/// The composition root: the one host of the product. `leopass-recovery server` runs exactly
/// this; the other commands build its node part without HTTP (<see cref="RecoveryNode.Build"/>);
/// the tests start this same host on a loopback port.
/// </summary>
public static class Program
{
    public static async Task Main(string[] args) => await Build(args).RunAsync();

    /// <param name="beforeComposition">For tests: configuration and services added before the product's own.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? beforeComposition = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        beforeComposition?.Invoke(builder);
        builder.AddRecoveryNode(new NodeOptions(NodeRole.Server)); // configuration, logging, engine, backup, runbook activities
        builder.AddRecoveryApi();                                  // HTTP API, health, OpenAPI
        var app = builder.Build();
        app.MapRecoveryApi();
        return app;
    }
}
