using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Events;

namespace LeoPass.Recovery.Server.Logging;

/// <summary>
/// The one logging setup of every process of the product — the server and each CLI command:
/// Serilog, one line per event, rendered and then masked (<see cref="RedactingLogSink"/>), so no
/// message, property or exception text can carry a configured secret or an API token out.
/// </summary>
public static class RecoveryLogging
{
    public static IHostApplicationBuilder AddRecoveryLogging(this IHostApplicationBuilder builder, LogEventLevel minimum)
    {
        builder.Logging.ClearProviders();
        builder.Services.TryAddSingleton(LogOutput.StandardError);
        // Built when first resolved, after every registration: a test's LogOutput is the one used.
        // A logger of this host's own, not Serilog's static one: several hosts in one process keep their logs apart.
        builder.Services.AddSerilog((services, logger) => logger
                .MinimumLevel.Is(minimum)
                // Framework chatter only from warnings up; the host's start and stop lines stay for the server.
                .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
                .MinimumLevel.Override("Microsoft.Hosting.Lifetime", minimum <= LogEventLevel.Information ? LogEventLevel.Information : LogEventLevel.Warning)
                // A failed start is reported once, as the command's one-line error, not as a logged stack trace.
                .MinimumLevel.Override("Microsoft.Extensions.Hosting", LogEventLevel.Fatal)
                .MinimumLevel.Override("Microsoft.EntityFrameworkCore", LogEventLevel.Warning)
                .MinimumLevel.Override("Quartz", LogEventLevel.Warning)
                .MinimumLevel.Override("System.Net.Http", LogEventLevel.Warning)
                .Enrich.FromLogContext()
                .WriteTo.Sink(new RedactingLogSink(services.GetRequiredService<LogOutput>().Writer)),
            preserveStaticLogger: true);
        return builder;
    }
}
