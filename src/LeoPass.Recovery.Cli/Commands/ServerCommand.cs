using System.CommandLine;
using LeoPass.Recovery.Engine.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LeoPass.Recovery.Cli.Commands;

/// <summary>`server`: an engine node — executes runs and fires cron definitions until stopped. Any number may share one database.</summary>
internal static class ServerCommand
{
    public static Command Create()
    {
        var command = new Command("server", "Run an engine node: execute workflow runs and fire scheduled definitions until stopped (Ctrl+C). Any number of servers may share RECOVERY_DATABASE_URL.");
        command.SetAction(async (parse, cancellationToken) => await CliErrors.GuardAsync(async () =>
        {
            using var host = EngineHostBuilder.Build(EngineRole.Server);
            await host.StartAsync(cancellationToken);
            var options = host.Services.GetRequiredService<EngineOptions>();
            await Console.Error.WriteLineAsync($"leopass-recovery server: node {options.NodeId} is up (scheduler '{options.SchedulerName}'). Ctrl+C stops it.");
            await host.WaitForShutdownAsync(CancellationToken.None);
            return 0;
        }));
        return command;
    }
}
