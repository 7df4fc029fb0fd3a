namespace LeoPass.Recovery.TestSupport;

/// <summary>
/// The CLI as an operator runs it: ./leopass-recovery, which runs the ready-to-run build in .build/cli
/// (publishing it first when a source is newer). scripts/test.sh runs the test projects that never call
/// it while it publishes the CLI, with <see cref="PublishingVariable"/> set in their environment: one of
/// them calling the CLI would start a second publish into the same folder, so it fails at once instead,
/// naming the fix.
/// </summary>
public static class PublishedCli
{
    public const string PublishingVariable = "LEOPASS_TEST_CLI_PUBLISHING";

    /// <summary>The launcher, ./leopass-recovery.</summary>
    public static string Launcher => Path.Combine(EnsureAvailable(), "leopass-recovery");

    /// <summary>What the launcher runs: the published CLI's folder.</summary>
    public static string BuildDirectory => Path.Combine(EnsureAvailable(), ".build", "cli");

    private static string EnsureAvailable()
    {
        if (Environment.GetEnvironmentVariable(PublishingVariable) == "1")
        {
            throw new InvalidOperationException(
                "this test runs the CLI, but scripts/test.sh ran its project while the CLI was still being published; " +
                "take the project out of the list of projects that need no CLI (cli_free_projects in scripts/test.sh)");
        }
        return RepositoryRoot.Path;
    }
}
