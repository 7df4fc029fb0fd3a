using Polly;
using Polly.Retry;

namespace LeoPass.Recovery.Storage.S3;

/// <summary>What a retry listener is told before the next attempt.</summary>
public sealed record RetryAttempt(string Operation, int AttemptNumber, TimeSpan Delay, Exception Error);

/// <summary>
/// Retries one store request while it fails transiently (see <see cref="ArtefactStoreException.IsPermanent"/>):
/// exponential backoff with jitter, a bounded number of attempts. Permanent failures and the
/// caller's cancellation pass straight through.
/// </summary>
internal sealed class TransientRetryPolicy
{
    private readonly ResiliencePipeline _pipeline;

    public TransientRetryPolicy(RetryOptions options, Action<RetryAttempt>? onRetry = null)
    {
        if (options.MaxRetryAttempts <= 0)
        {
            _pipeline = ResiliencePipeline.Empty;
            return;
        }
        _pipeline = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<ArtefactStoreException>(e => !e.IsPermanent),
                MaxRetryAttempts = options.MaxRetryAttempts,
                Delay = options.Delay,
                MaxDelay = options.MaxDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = args =>
                {
                    var operation = args.Context.Properties.GetValue(OperationKey, "request");
                    onRetry?.Invoke(new RetryAttempt(operation, args.AttemptNumber + 1, args.RetryDelay, args.Outcome.Exception!));
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    private static readonly ResiliencePropertyKey<string> OperationKey = new("leopass.operation");

    /// <param name="operation">What is being done, for retry notices (e.g. "upload part 3").</param>
    /// <param name="attempt">One attempt; must throw <see cref="ArtefactStoreException"/> for store failures.</param>
    public async Task<T> ExecuteAsync<T>(string operation, Func<CancellationToken, Task<T>> attempt, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(OperationKey, operation);
        try
        {
            return await _pipeline.ExecuteAsync(async ctx => await attempt(ctx.CancellationToken), context);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }
}
