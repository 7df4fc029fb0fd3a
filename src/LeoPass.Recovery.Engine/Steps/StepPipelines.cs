using LeoPass.Recovery.Engine.Definitions;
using Polly.Retry;
using Polly.Timeout;
using Polly;

namespace LeoPass.Recovery.Engine.Steps;

/// <summary>
/// The Polly pipeline around one step: retry (outer) around a per-attempt timeout (inner), so
/// each attempt has the full timeout and a timed-out attempt is retried like a failed one.
/// Each call of the callback is one attempt, journaled as its own row by the executor.
/// </summary>
internal static class StepPipelines
{
    public static ResiliencePipeline Build(StepDefinition step, TimeProvider time, Func<Exception, bool> isRetryable)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = time };
        if (step.Retry.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = step.Retry.MaxAttempts - 1,
                Delay = step.Retry.Delay,
                MaxDelay = step.Retry.MaxDelay,
                UseJitter = step.Retry.Jitter,
                BackoffType = step.Retry.Backoff switch
                {
                    BackoffKind.Linear => DelayBackoffType.Linear,
                    BackoffKind.Exponential => DelayBackoffType.Exponential,
                    _ => DelayBackoffType.Constant,
                },
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e && isRetryable(e)),
            });
        }
        if (step.Timeout is { } timeout)
        {
            builder.AddTimeout(new TimeoutStrategyOptions { Timeout = timeout });
        }
        return builder.Build();
    }
}
