using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.Server.Tests.Support;

/// <summary>The API host over a private s3rver that a test may stop (the artefact store going down) and start again.</summary>
public sealed class S3ApiHost : ApiHost
{
    public S3rverProcess Store { get; private set; } = null!;

    protected override async Task<Dictionary<string, string?>> StorageAsync()
    {
        Store = await S3rverProcess.StartNewAsync();
        return new Dictionary<string, string?>
        {
            ["OCI_BUCKET"] = Store.Bucket, ["OCI_S3_ENDPOINT"] = Store.Endpoint.ToString(),
            ["OCI_S3_ACCESS_KEY"] = S3rverProcess.AccessKey, ["OCI_S3_SECRET_KEY"] = S3rverProcess.SecretKey,
        };
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Store.DisposeAsync();
    }
}
