using LeoPass.Recovery.Engine.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LeoPass.Recovery.Cli.Commands;

/// <summary>
/// `server`: the product's one host (<see cref="Server.Program"/>) — an engine node that executes
/// runs, fires cron definitions and serves the HTTP API on LEOPASS_LISTEN_URL until stopped.
/// Any number may share one database.
/// </summary>
internal static class ServerCommand
{
    public static Command Create()
    {
        var command = new Command("server",
            "Run an engine node with the HTTP API: execute workflow runs, fire scheduled definitions and serve the API on LEOPASS_LISTEN_URL " +
            $"(default {NodeSettings.DefaultListenUrl}) until stopped (Ctrl+C). Any number of servers may share RECOVERY_DATABASE_URL.");
        command.SetActionWithoutHost(async (output, parse, cancellationToken) =>
        {
            await using var app = Server.Program.Build([], builder =>
            {
                // --verbose is LEOPASS_LOG_LEVEL=Debug for this one start.
                if (parse.GetValue(CommonOptions.Verbose)) builder.Configuration.AddInMemoryCollection([new("LEOPASS_LOG_LEVEL", "Debug")]);
                builder.Services.AddSingleton<IHostLifetime, Hosting.CommandLifetime>();
            });
            var listenUrl = app.Services.GetRequiredService<RecoverySettings>().Node.ListenUrl;
            try
            {
                await app.StartAsync(cancellationToken);
            }
            catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
            {
                output.Error($"cannot listen on {listenUrl}: the address is in use; set LEOPASS_LISTEN_URL to a free address (port 0 picks one)");
                return ExitCodes.Failure;
            }
            var options = app.Services.GetRequiredService<EngineOptions>();
            var listening = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses is { Count: > 0 } addresses
                ? string.Join(", ", addresses) : listenUrl;
            output.Note($"leopass-recovery server: node {options.NodeId} is up (scheduler '{options.SchedulerName}'), API on {listening}. Ctrl+C stops it.");
            // Ctrl+C and SIGTERM reach this command as the cancellation of its token (StopSignals takes
            // the signal; the host has no console lifetime here): stop the host on it, every hosted
            // service in order, instead of returning and letting the process end under it. A stopped
            // server is the operator's wish, not a failure: 0.
            await app.WaitForShutdownAsync(cancellationToken);
            return ExitCodes.Success;
        });
        return command;
    }
}
