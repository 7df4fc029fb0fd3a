using LeoPass.Recovery.Storage.S3;
using LeoPass.Recovery.Storage.Tests.Support;
using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.Storage.Tests;

public sealed class S3ArtefactStoreTests(PrivateS3rver s3) : ArtefactStoreConformanceTests, IClassFixture<PrivateS3rver>
{
    private string _bucket = "";

    protected override async Task<IArtefactStore> CreateStoreAsync() => new S3ArtefactStore(s3.Options(_bucket = await s3.CreateBucketAsync()));
    protected override UploadVerification ExpectedSinglePartVerification => UploadVerification.SinglePartMd5;
    // s3rver answers a multipart upload with the whole object's MD5; AWS and Oracle with md5(part MD5s)-N.
    protected override UploadVerification ExpectedMultipartVerification => UploadVerification.WholeObjectMd5;
    protected override int ExpectedPartCount(long size) => (int)((size + PartSize - 1) / PartSize);
    // s3rver 3.7.1 ignores If-None-Match on writes; the store finds that out and checks each key first.
    protected override ReplaceProtection ExpectedReplaceProtection => ReplaceProtection.CheckedBeforeWrite;
    protected override Task AssertNoUploadLeftoversAsync() { Assert.Empty(s3.UnfinishedUploads(_bucket)); return Task.CompletedTask; }
}

/// <summary>
/// The same suite against a store that honours conditional writes, as AWS S3 does: s3rver behind
/// <see cref="S3FaultProxy"/>, which answers <c>If-None-Match: *</c> on a taken key with 412.
/// </summary>
public sealed class S3ArtefactStoreWithConditionalWritesTests(PrivateS3rver s3) : ArtefactStoreConformanceTests, IClassFixture<PrivateS3rver>
{
    private string _bucket = "";
    private S3FaultProxy? _proxy;

    protected override async Task<IArtefactStore> CreateStoreAsync()
    {
        _proxy = await S3FaultProxy.StartAsync(s3.Server.Endpoint, enforceConditionalWrites: true);
        return new S3ArtefactStore(s3.Options(_bucket = await s3.CreateBucketAsync()) with { Endpoint = _proxy.Endpoint });
    }

    protected override UploadVerification ExpectedSinglePartVerification => UploadVerification.SinglePartMd5;
    protected override UploadVerification ExpectedMultipartVerification => UploadVerification.WholeObjectMd5;
    protected override int ExpectedPartCount(long size) => (int)((size + PartSize - 1) / PartSize);
    protected override ReplaceProtection ExpectedReplaceProtection => ReplaceProtection.ConditionalWrite;
    protected override Task AssertNoUploadLeftoversAsync() { Assert.Empty(s3.UnfinishedUploads(_bucket)); return Task.CompletedTask; }

    [Fact]
    public Task Concurrent_puts_to_one_key_keep_exactly_one_whole_object() => AssertConcurrentPutsToOneKeyKeepExactlyOneAsync();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_proxy is not null) await _proxy.DisposeAsync();
    }
}
