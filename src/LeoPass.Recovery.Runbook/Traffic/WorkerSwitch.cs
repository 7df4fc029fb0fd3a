using System.Net.Http.Json;
using LeoPass.Recovery.Runbook.Shell;

namespace LeoPass.Recovery.Runbook.Traffic;

/// <summary>Pauses and resumes the background workers through WORKER_HOOK_URL and/or WORKER_PAUSE_COMMAND / WORKER_RESUME_COMMAND.</summary>
public sealed class WorkerSwitch(RunbookSettings settings, HttpClient http)
{
    /// <summary>True when at least one way to pause the workers is configured.</summary>
    public static bool Configured(RunbookSettings settings) => settings.WorkerHookUrl is not null || settings.WorkerPauseCommand is not null;

    public IReadOnlyList<string> Channels => ChannelsOf(settings);

    /// <summary>The configured ways to pause the workers: "hook" (WORKER_HOOK_URL), "command" (WORKER_PAUSE_COMMAND).</summary>
    public static IReadOnlyList<string> ChannelsOf(RunbookSettings settings) =>
    [
        .. settings.WorkerHookUrl is null ? Array.Empty<string>() : ["hook"],
        .. settings.WorkerPauseCommand is null ? Array.Empty<string>() : ["command"],
    ];

    /// <summary>Pauses or resumes through the given channels (the ones a quarantine used, for a resume). Both are idempotent by contract.</summary>
    public async Task SwitchAsync(string action, IEnumerable<string> channels, long runId, CancellationToken cancellationToken)
    {
        foreach (var channel in channels)
        {
            if (channel == "hook")
            {
                var url = settings.WorkerHookUrl ?? throw new ActivityFailedException($"the workers were paused through WORKER_HOOK_URL, which is no longer set: {action} them by hand", retryable: false);
                using var response = await http.PostAsJsonAsync(url, new { action, runId }, cancellationToken);
                if (!response.IsSuccessStatusCode) throw new ActivityFailedException($"WORKER_HOOK_URL answered {(int)response.StatusCode} to {action}");
            }
            else if (channel == "command")
            {
                var command = (action == "pause" ? settings.WorkerPauseCommand : settings.WorkerResumeCommand)
                    ?? throw new ActivityFailedException($"WORKER_{action.ToUpperInvariant()}_COMMAND is not set: {action} the workers by hand", retryable: false);
                var env = new Dictionary<string, string?> { ["LEOPASS_RUN_ID"] = runId.ToString(System.Globalization.CultureInfo.InvariantCulture) };
                var result = await ShellCommand.RunAsync(command, settings.AppDirectory, env, cancellationToken);
                if (!result.Succeeded) throw new ActivityFailedException(result.Failure($"worker {action} command"));
            }
        }
    }
}
