namespace LeoPass.Recovery.TestSupport;

/// <summary>
/// Reads where a test service runs. A test that needs PostgreSQL or S3 never skips and never
/// passes without it: a missing service is a failure that says how to start it.
/// </summary>
public static class RequiredService
{
    public static string Variable(string name, string what) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{what} is required by this test but {name} is not set. Run the tests through ./scripts/test.sh, which starts a private PostgreSQL cluster and s3rver and sets it.");
}
