using System.Security.Cryptography;
using LeoPass.Recovery.Storage.S3;
using LeoPass.Recovery.Storage.Tests.Support;
using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.Storage.Tests;

/// <summary>What only an object store can get wrong: credentials, buckets, ETags, a server that dies.</summary>
public sealed class S3ArtefactStoreFaultTests(PrivateS3rver s3) : IClassFixture<PrivateS3rver>
{
    private const int PartSize = S3StoreOptions.MinimumPartSize;

    [Fact]
    public async Task Wrong_access_key_fails_permanently_naming_the_variables()
    {
        var retries = 0;
        using var store = new S3ArtefactStore(s3.Options(s3.Server.Bucket) with { AccessKey = "NOT-A-KEY", OnRetry = _ => retries++ });

        var error = await Assert.ThrowsAsync<ArtefactStoreException>(() => store.PutAsync("leopass-x", new GeneratedContentStream(100)));

        Assert.True(error.IsPermanent);
        Assert.Contains($"access denied by {s3.Server.Endpoint}", error.Message, StringComparison.Ordinal);
        Assert.Contains("OCI_S3_ACCESS_KEY", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, retries);
    }

    /// <summary>
    /// s3rver does not check SigV4 signatures, so the 403 an Oracle or AWS endpoint gives a wrong
    /// secret is played back here in their words.
    /// </summary>
    [Fact]
    public async Task Wrong_secret_key_fails_permanently_naming_the_variable_without_the_secret()
    {
        const string wrongSecret = "wrong-secret-Zq9xT4";
        var retries = 0;
        var options = await OptionsRewritingAsync((_, response) =>
        {
            response.StatusCode = System.Net.HttpStatusCode.Forbidden;
            response.Content = new StringContent(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided.</Message></Error>",
                System.Text.Encoding.UTF8, "application/xml");
            return Task.CompletedTask;
        });
        using var store = new S3ArtefactStore(options with { SecretKey = wrongSecret, OnRetry = _ => retries++ });

        var put = await Assert.ThrowsAsync<ArtefactStoreException>(() => store.PutAsync("leopass-x", new GeneratedContentStream(100)));
        var list = await Assert.ThrowsAsync<ArtefactStoreException>(() => StoreAssert.ListAllAsync(store));

        foreach (var error in new[] { put, list })
        {
            Assert.True(error.IsPermanent);
            Assert.Contains("OCI_S3_SECRET_KEY", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(wrongSecret, error.ToString(), StringComparison.Ordinal);
        }
        Assert.Equal(0, retries);
    }

    [Fact]
    public async Task Missing_bucket_fails_permanently_naming_the_bucket()
    {
        using var store = new S3ArtefactStore(s3.Options("no-such-bucket"));

        var put = await Assert.ThrowsAsync<ArtefactStoreException>(() => store.PutAsync("leopass-x", new GeneratedContentStream(100)));
        var list = await Assert.ThrowsAsync<ArtefactStoreException>(() => StoreAssert.ListAllAsync(store));

        foreach (var error in new[] { put, list })
        {
            Assert.True(error.IsPermanent);
            Assert.Contains("bucket 'no-such-bucket' does not exist", error.Message, StringComparison.Ordinal);
            Assert.Contains("OCI_BUCKET", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Upload_interrupted_by_a_dead_server_can_be_aborted_once_it_is_back()
    {
        await using var server = await S3rverProcess.StartNewAsync();
        using var store = new S3ArtefactStore(s3.Options(server.Bucket) with { Endpoint = server.Endpoint });
        var log = new StoreAssert.UploadLog();
        var content = new GeneratedContentStream(6L * PartSize) { HookAt = 2L * PartSize + 10, Hook = server.StopAsync };

        var error = await Assert.ThrowsAsync<ArtefactStoreException>(() => store.PutAsync("leopass-killed", content, log.Options));

        Assert.False(error.IsPermanent);
        var uploadId = Assert.Single(log.Started);
        Assert.Empty(log.Finished);
        await server.StartAsync();
        Assert.Contains(uploadId, UnfinishedUploads(server));

        await store.AbortUploadAsync("leopass-killed", uploadId);

        Assert.Empty(UnfinishedUploads(server));
        Assert.Null(await store.HeadAsync("leopass-killed"));
        Assert.Empty(await StoreAssert.ListAllAsync(store));
    }

    [Fact]
    public async Task Transient_failures_are_retried_until_the_server_is_back()
    {
        await using var server = await S3rverProcess.StartNewAsync();
        var retries = new List<RetryAttempt>();
        using var store = new S3ArtefactStore(s3.Options(server.Bucket) with
        {
            Endpoint = server.Endpoint,
            Retry = new RetryOptions { MaxRetryAttempts = 40, Delay = TimeSpan.FromMilliseconds(50), MaxDelay = TimeSpan.FromMilliseconds(200) },
            OnRetry = attempt => { lock (retries) retries.Add(attempt); },
        });
        await server.StopAsync();
        var comeBack = Task.Run(async () => { await Task.Delay(300); await server.StartAsync(); });

        var stored = await store.PutAsync("leopass-retried", new GeneratedContentStream(1000));
        await comeBack;

        Assert.Equal(1000, stored.Size);
        Assert.NotEmpty(retries);
        Assert.All(retries, r => Assert.False(((ArtefactStoreException)r.Error).IsPermanent));
        Assert.Equal(1000, (await store.HeadAsync("leopass-retried"))!.Size);
    }

    [Fact]
    public async Task Multipart_upload_is_verified_by_the_md5_of_part_md5s_as_AWS_and_Oracle_answer()
    {
        var size = 2L * PartSize + 5000;
        using var store = new S3ArtefactStore(await OptionsRewritingAsync(async (request, response) =>
        {
            if (RewritingHttpClientFactory.IsComplete(request)) await RewritingHttpClientFactory.ReplaceETagAsync(response, AwsMultipartETag(size));
        }));

        var stored = await store.PutAsync("leopass-aws", new GeneratedContentStream(size));

        Assert.Equal(UploadVerification.MultipartMd5OfPartMd5s, stored.Verification);
        Assert.Equal(3, stored.PartCount);
        Assert.Equal(AwsMultipartETag(size), stored.ETag);
    }

    [Fact]
    public async Task Upload_with_an_opaque_etag_is_verified_by_reading_it_back()
    {
        using var store = new S3ArtefactStore(await OptionsRewritingAsync(async (request, response) =>
        {
            if (RewritingHttpClientFactory.IsObjectPut(request)) await RewritingHttpClientFactory.ReplaceETagAsync(response, "opaque-3f2a");
        }));

        var stored = await store.PutAsync("leopass-opaque", new GeneratedContentStream(1000));

        Assert.Equal(UploadVerification.ReadBackSha256, stored.Verification);
        Assert.Equal(GeneratedContentStream.Sha256Of(1000), stored.Sha256);
    }

    [Fact]
    public async Task Upload_fails_and_is_deleted_when_etag_and_read_back_both_mismatch()
    {
        var options = await OptionsRewritingAsync(async (request, response) =>
        {
            if (RewritingHttpClientFactory.IsObjectPut(request)) await RewritingHttpClientFactory.ReplaceETagAsync(response, "0123456789abcdef0123456789abcdef");
            if (RewritingHttpClientFactory.IsObjectGet(request)) await RewritingHttpClientFactory.FlipFirstByteAsync(response);
        });
        using var store = new S3ArtefactStore(options);

        var error = await Assert.ThrowsAsync<ArtefactStoreException>(() => store.PutAsync("leopass-corrupt", new GeneratedContentStream(1000)));

        Assert.True(error.IsPermanent);
        Assert.Contains("0123456789abcdef0123456789abcdef", error.Message, StringComparison.Ordinal);
        Assert.Contains(GeneratedContentStream.Sha256Of(1000), error.Message, StringComparison.Ordinal);
        using var honest = new S3ArtefactStore(options with { ConfigureClient = null });
        Assert.Null(await honest.HeadAsync("leopass-corrupt"));
    }

    [Fact]
    public async Task List_follows_continuation_tokens_across_pages()
    {
        using var store = new S3ArtefactStore(s3.Options(await s3.CreateBucketAsync()) with { ListPageSize = 2 });
        var keys = Enumerable.Range(1, 5).Select(i => $"leopass-{i:D2}").ToList();
        foreach (var key in keys) await store.PutAsync(key, new GeneratedContentStream(10));

        Assert.Equal(keys, (await StoreAssert.ListAllAsync(store)).Select(i => i.Key));
    }

    private async Task<S3StoreOptions> OptionsRewritingAsync(Func<HttpRequestMessage, HttpResponseMessage, Task> rewrite) =>
        s3.Options(await s3.CreateBucketAsync()) with { ConfigureClient = config => config.HttpClientFactory = new RewritingHttpClientFactory(rewrite) };

    private static IReadOnlyList<string> UnfinishedUploads(S3rverProcess server)
    {
        var directory = Path.Combine(server.DataDirectory, server.Bucket, "._S3rver_uploads");
        return Directory.Exists(directory) ? [.. Directory.EnumerateDirectories(directory).Select(d => Path.GetFileName(d))] : [];
    }

#pragma warning disable CA5351 // S3 defines multipart ETags with MD5.
    /// <summary>Computed here independently of the store: md5 of the concatenated binary part MD5s, then "-N".</summary>
    private static string AwsMultipartETag(long size)
    {
        using var content = new GeneratedContentStream(size);
        var buffer = new byte[PartSize];
        var partMd5s = new List<byte>();
        var parts = 0;
        int filled;
        while ((filled = ReadFull(content, buffer)) > 0)
        {
            partMd5s.AddRange(MD5.HashData(buffer.AsSpan(0, filled)));
            parts++;
        }
        return $"{Convert.ToHexStringLower(MD5.HashData(partMd5s.ToArray()))}-{parts}";
    }
#pragma warning restore CA5351

    private static int ReadFull(Stream stream, byte[] buffer)
    {
        var filled = 0;
        int read;
        while (filled < buffer.Length && (read = stream.Read(buffer, filled, buffer.Length - filled)) > 0) filled += read;
        return filled;
    }
}
