namespace LeoPass.Recovery.Runbook.Tests.Support;

/// <summary>
/// For tests that set PG_BIN_DIR in this process (a slowed pg_restore): the host makes it
/// process-wide (<c>PostgresTools.BinDirectory</c>, as every node of a process runs the same tools),
/// so they run alone — a test running pg_dump in parallel would otherwise look for it in their
/// wrapper directory, and their wrapper could be reset by another test's host.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideToolsCollection
{
    public const string Name = "process-wide PG_BIN_DIR";
}
