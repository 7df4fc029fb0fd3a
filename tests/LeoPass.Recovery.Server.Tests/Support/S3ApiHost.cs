using LeoPass.Recovery.Core.Configuration;
using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.Server.Tests.Support;

/// <summary>The API host over a private s3rver that a test may stop (the artefact store going down) and start again.</summary>
public sealed class S3ApiHost : ApiHost
{
    public S3rverProcess Store { get; private set; } = null!;

    protected override async Task<StorageSettings> StorageAsync()
    {
        Store = await S3rverProcess.StartNewAsync();
        return new StorageSettings { Bucket = Store.Bucket, Endpoint = Store.Endpoint, AccessKey = S3rverProcess.AccessKey, SecretKey = S3rverProcess.SecretKey };
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Store.DisposeAsync();
    }
}
