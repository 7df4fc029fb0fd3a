using System.Text;

namespace LeoPass.Recovery.Storage.S3;

/// <summary>What one conditional write of the probe object got.</summary>
internal enum ProbeAnswer
{
    Written,
    Refused,
    NotUnderstood,
}

/// <summary>
/// Finds out, once per store, whether the server honours <c>If-None-Match: *</c> on writes. AWS S3
/// does; s3rver 3.7.1 reads the header only on GET and silently overwrites on PUT, and other
/// S3-compatible servers vary. Sending the header to a server that ignores it would look safe and
/// be silent loss, so the answer is tested rather than assumed: the probe object is written
/// conditionally twice — the second write must be refused. It stays in the bucket (a few bytes,
/// under a key readers ignore), so later processes learn the answer from one refused write.
/// </summary>
internal sealed class ConditionalWriteProbe(S3Bucket bucket)
{
    /// <summary>
    /// Inside the <c>leopass-</c> prefix, so credentials limited to <c>leopass-*</c> may write it; it is
    /// neither an artefact nor a manifest name, and the store never lists it, so no reader, retention
    /// or catalogue refresh sees it.
    /// </summary>
    public const string ProbeKey = "leopass-conditional-write-probe";

    private static readonly byte[] Body = Encoding.UTF8.GetBytes(
        "LeoPass.Recovery writes this object to learn whether the store refuses to overwrite (If-None-Match: *). Deleting it is harmless.\n");

    private readonly Lock _lock = new();
    private Task<ReplaceProtection>? _probe;

    public Task<ReplaceProtection> ProtectionAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            // Only an answer is remembered; a probe that failed (store unreachable) is tried again next time.
            if (_probe is null || _probe.IsFaulted || _probe.IsCanceled) _probe = ProbeAsync(CancellationToken.None);
            return _probe.WaitAsync(cancellationToken);
        }
    }

    private async Task<ReplaceProtection> ProbeAsync(CancellationToken cancellationToken)
    {
        // The first write may be the one that creates the probe object; the second finds it there.
        for (var write = 0; write < 2; write++)
        {
            switch (await bucket.ProbeConditionalWriteAsync(ProbeKey, Body, cancellationToken))
            {
                case ProbeAnswer.Refused: return ReplaceProtection.ConditionalWrite;
                case ProbeAnswer.NotUnderstood: return ReplaceProtection.CheckedBeforeWrite;
            }
        }
        return ReplaceProtection.CheckedBeforeWrite;
    }
}
