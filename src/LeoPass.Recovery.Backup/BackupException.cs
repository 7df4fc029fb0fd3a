namespace LeoPass.Recovery.Backup;

/// <summary>
/// A backup, verification or restore could not be done. The message is one line that says
/// what failed and what to do, and contains no secret.
/// </summary>
public class BackupException : Exception
{
    public BackupException() { }
    public BackupException(string message) : base(message) { }
    public BackupException(string message, Exception inner) : base(message, inner) { }

    /// <summary>The pipeline stage that failed (dump, compress, encrypt, upload, verify, manifest, …), for alerts.</summary>
    public string? Stage { get; init; }
}
