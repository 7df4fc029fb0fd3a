using LeoPass.Recovery.Backup;
using LeoPass.Recovery.Backup.Encryption;
using Microsoft.Extensions.Logging;

namespace LeoPass.Recovery.Runbook;

/// <summary>Maps the backup layer's failures onto the engine's retry decision.</summary>
internal static class RunbookFailures
{
    /// <summary>A missing backup, a bad key or missing configuration cannot get better by retrying.</summary>
    public static async Task<T> NotRetryableAsync<T>(Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception e) when (e is BackupException or ConfigurationException or DecryptionKeyException)
        {
            throw new ActivityFailedException(e.Message, retryable: false, e);
        }
    }

    /// <summary>A bad key or missing configuration is final; the source or the store being away may pass.</summary>
    public static async Task<T> NotRetryableOnKeysAsync<T>(Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception e) when (e is ConfigurationException || e is BackupException { Stage: "prepare" })
        {
            throw new ActivityFailedException(e.Message, retryable: false, e);
        }
    }

    /// <summary>A corrupt artefact or an unusable key is final; a network failure may pass.</summary>
    public static async Task<T> TranslateAsync<T>(Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception e) when (e is DecryptionKeyException or ConfigurationException or ArtefactIntegrityException
                                      || e is BackupException { Stage: "verify" or "decrypt" })
        {
            throw new ActivityFailedException(e.Message, retryable: false, e);
        }
    }

    public static void LogRpoAtRisk(this ILogger logger, long runId, string key, TimeSpan rpo) =>
        logger.LogWarning("run {RunId}: RPO {Hours:0.0} h from {Key} exceeds the 24 h target", runId, rpo.TotalHours, key);
}
