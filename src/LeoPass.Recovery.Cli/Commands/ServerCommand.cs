using LeoPass.Recovery.Cli.Output;
using System.CommandLine;
using LeoPass.Recovery.Core.Configuration;
using LeoPass.Recovery.Engine.Hosting;
using LeoPass.Recovery.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LeoPass.Recovery.Cli.Commands;

/// <summary>
/// `server`: an engine node that also serves the HTTP API — executes runs, fires cron
/// definitions and answers on LEOPASS_LISTEN_URL until stopped. Any number may share one database.
/// </summary>
internal static class ServerCommand
{
    public static Command Create()
    {
        var command = new Command("server",
            "Run an engine node with the HTTP API: execute workflow runs, fire scheduled definitions and serve the API on LEOPASS_LISTEN_URL " +
            $"(default {ApiOptions.DefaultListenUrl}) until stopped (Ctrl+C). Any number of servers may share RECOVERY_DATABASE_URL.");
        command.SetAction(async (parse, cancellationToken) => await CliErrors.GuardAsync(async () =>
        {
            var settings = RecoverySettings.FromProcessEnvironment();
            settings.RequireRecoveryDatabase();
            var api = ApiOptions.FromEnvironment();

            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
            EngineHostBuilder.AddEngine(builder, EngineRole.Server, settings);
            builder.AddRecoveryApi(api);
            await using var app = builder.Build();
            app.MapRecoveryApi();

            try
            {
                await app.StartAsync(cancellationToken);
            }
            catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
            {
                await Console.Error.WriteLineAsync($"error: cannot listen on {api.ListenUrl}: the address is in use; set {ApiOptions.ListenUrlVariable} to a free address (port 0 picks one)");
                return CliErrors.Failure;
            }
            var options = app.Services.GetRequiredService<EngineOptions>();
            var listening = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses is { Count: > 0 } addresses
                ? string.Join(", ", addresses) : api.ListenUrl;
            await Console.Error.WriteLineAsync($"leopass-recovery server: node {options.NodeId} is up (scheduler '{options.SchedulerName}'), API on {listening}. Ctrl+C stops it.");
            await app.WaitForShutdownAsync(CancellationToken.None);
            return 0;
        }));
        return command;
    }
}
