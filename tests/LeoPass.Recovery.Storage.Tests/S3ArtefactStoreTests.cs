using LeoPass.Recovery.Storage.S3;
using LeoPass.Recovery.Storage.Tests.Support;

namespace LeoPass.Recovery.Storage.Tests;

public sealed class S3ArtefactStoreTests(PrivateS3rver s3) : ArtefactStoreConformanceTests, IClassFixture<PrivateS3rver>
{
    private string _bucket = "";

    protected override async Task<IArtefactStore> CreateStoreAsync() => new S3ArtefactStore(s3.Options(_bucket = await s3.CreateBucketAsync()));
    protected override UploadVerification ExpectedSinglePartVerification => UploadVerification.SinglePartMd5;
    // s3rver answers a multipart upload with the whole object's MD5; AWS and Oracle with md5(part MD5s)-N.
    protected override UploadVerification ExpectedMultipartVerification => UploadVerification.WholeObjectMd5;
    protected override int ExpectedPartCount(long size) => (int)((size + PartSize - 1) / PartSize);
    protected override Task AssertNoUploadLeftoversAsync() { Assert.Empty(s3.UnfinishedUploads(_bucket)); return Task.CompletedTask; }
}
