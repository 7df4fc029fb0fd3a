namespace LeoPass.Recovery.Cli.Commands;

/// <summary>What every command's exit code means (README, "Exit codes"): scripts branch on these.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The work failed: a step, the store, the database; the message says what.</summary>
    public const int Failure = 1;

    /// <summary>Refused before anything was touched: bad arguments or configuration, or a run state that does not allow the operation.</summary>
    public const int Refused = 2;

    /// <summary>`--wait` stopped at an approval gate: not a failure, not done.</summary>
    public const int WaitingForApproval = 3;

    /// <summary>`wal fetch`: a shipped WAL file that cannot be restored. Above 125, so PostgreSQL aborts recovery rather than promote a shorter history.</summary>
    public const int WalCannotRestore = 126;

    /// <summary>Ctrl+C (or SIGTERM): 128 + SIGINT, as a shell reports a process a signal stopped.</summary>
    public const int Interrupted = 130;
}
