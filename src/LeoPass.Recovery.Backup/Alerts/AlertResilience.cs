using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace LeoPass.Recovery.Backup.Alerts;

/// <summary>
/// The retry and timeout every alert attempt runs under: a short per-attempt timeout inside a
/// brief exponential retry with jitter (so several hosts alerting after one shared outage do
/// not hit the target in lockstep). Only failures that a second try can fix are retried.
/// </summary>
internal static class AlertResilience
{
    public static ResiliencePipeline Build(AlertOptions options, TimeProvider time, Action<string, int>? onRetry = null)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = time };
        if (options.MaxRetries > 0)
        {
            // Added first, so it is the outer strategy: each retry gets a fresh attempt timeout.
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.RetryBaseDelay * 4,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = new PredicateBuilder()
                    .Handle<HttpRequestException>(e => e.StatusCode is null || HttpAnswer.IsTransient(e.StatusCode.Value))
                    .Handle<TimeoutRejectedException>()
                    // HttpClient.Timeout elapsed (a caller's client may have a shorter one than ours).
                    .Handle<TaskCanceledException>(e => e.InnerException is TimeoutException),
                OnRetry = args =>
                {
                    onRetry?.Invoke(args.Outcome.Exception?.Message ?? "failed", args.AttemptNumber + 1);
                    return default;
                },
            });
        }
        builder.AddTimeout(options.AttemptTimeout);
        return builder.Build();
    }
}
