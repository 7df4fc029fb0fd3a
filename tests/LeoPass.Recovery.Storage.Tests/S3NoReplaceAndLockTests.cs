using LeoPass.Recovery.Core.Configuration;
using LeoPass.Recovery.Storage.S3;
using LeoPass.Recovery.Storage.Tests.Support;
using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.Storage.Tests;

/// <summary>
/// Never replacing an object, and Object Lock, against real s3rver: directly (it ignores
/// If-None-Match and lock headers) and behind <see cref="S3FaultProxy"/> (which honours the one and
/// reports the other, as AWS does, and breaks chosen requests).
/// </summary>
public sealed class S3NoReplaceAndLockTests(PrivateS3rver s3) : IClassFixture<PrivateS3rver>, IAsyncLifetime
{
    private const int PartSize = S3StoreOptions.MinimumPartSize;
    private readonly List<S3FaultProxy> _proxies = [];
    private readonly List<S3ArtefactStore> _stores = [];

    private async Task<(S3ArtefactStore Store, S3FaultProxy Proxy, string Bucket)> BehindProxyAsync(
        bool enforceConditionalWrites = true, bool emulateObjectLock = false, Func<S3StoreOptions, S3StoreOptions>? configure = null)
    {
        var proxy = await S3FaultProxy.StartAsync(s3.Server.Endpoint, enforceConditionalWrites, emulateObjectLock);
        _proxies.Add(proxy);
        var bucket = await s3.CreateBucketAsync();
        var options = s3.Options(bucket) with { Endpoint = proxy.Endpoint };
        var store = new S3ArtefactStore(configure?.Invoke(options) ?? options);
        _stores.Add(store);
        return (store, proxy, bucket);
    }

    [Fact]
    public async Task A_server_that_ignores_conditional_writes_is_found_out_and_each_write_is_checked_first()
    {
        var (store, proxy, _) = await BehindProxyAsync(enforceConditionalWrites: false);

        var stored = await store.PutAsync("leopass-a", new GeneratedContentStream(100));
        await store.PutAsync("leopass-b", new GeneratedContentStream(100));

        Assert.Equal(ReplaceProtection.CheckedBeforeWrite, stored.ReplaceProtection);
        // Two probe writes, once per store: the second one should have been refused, and was not.
        Assert.Equal(2, proxy.Requests.Count(r => r.IsPutObject && r.Key == S3ArtefactStore.ConditionalWriteProbeKey));
        Assert.All(proxy.Requests.Where(r => r.IsPutObject && IsBackupObject(r)), r => Assert.Null(r.Header("If-None-Match")));
        Assert.Equal(2, proxy.Requests.Count(r => r.IsHead && IsBackupObject(r)));
        Assert.Equal(["leopass-a", "leopass-b"], (await StoreAssert.ListAllAsync(store)).Select(i => i.Key));
    }

    [Fact]
    public async Task A_server_that_honours_conditional_writes_gets_If_None_Match_on_every_put_and_completion()
    {
        var (store, proxy, _) = await BehindProxyAsync();

        var small = await store.PutAsync("leopass-small", new GeneratedContentStream(100));
        var large = await store.PutAsync("leopass-large", new GeneratedContentStream(2L * PartSize + 10));

        Assert.Equal(ReplaceProtection.ConditionalWrite, small.ReplaceProtection);
        Assert.Equal(ReplaceProtection.ConditionalWrite, large.ReplaceProtection);
        Assert.Equal("*", Assert.Single(proxy.Requests, r => r.IsPutObject && r.Key == "leopass-small").Header("If-None-Match"));
        Assert.Equal("*", Assert.Single(proxy.Requests, r => r.IsCompleteMultipartUpload && r.Key == "leopass-large").Header("If-None-Match"));
        // The probe: written once, refused the second time.
        Assert.Equal(2, proxy.Requests.Count(r => r.IsPutObject && r.Key == S3ArtefactStore.ConditionalWriteProbeKey && r.Header("If-None-Match") == "*"));
    }

    [Fact]
    public async Task A_key_taken_while_the_parts_were_uploading_is_refused_at_completion_and_the_other_object_stays()
    {
        var (store, proxy, bucket) = await BehindProxyAsync();
        using var rival = new S3ArtefactStore(s3.Options(bucket));
        proxy.OnRequest = async request =>
        {
            if (request.IsUploadPart && request.PartNumber == 2) await rival.PutAsync("leopass-contested", new GeneratedContentStream(777, seed: 9));
        };

        var error = await Assert.ThrowsAsync<ArtefactAlreadyExistsException>(() => store.PutAsync("leopass-contested", new GeneratedContentStream(3L * PartSize, seed: 1)));

        Assert.Contains("refused the conditional write", error.Message, StringComparison.Ordinal);
        Assert.Equal(GeneratedContentStream.Sha256Of(777, seed: 9), await StoreAssert.Sha256OfObjectAsync(store, "leopass-contested"));
        Assert.Single(await StoreAssert.ListAllAsync(store));
    }

    [Fact]
    public async Task A_completion_whose_answer_was_lost_is_recognised_as_this_uploads_own_object()
    {
        var (store, proxy, _) = await BehindProxyAsync(enforceConditionalWrites: false);
        proxy.Inject(r => r.IsCompleteMultipartUpload, InjectedFault.ResetAfterForwarding);
        var size = 2L * PartSize + 99;

        var stored = await store.PutAsync("leopass-lost-answer", new GeneratedContentStream(size));

        Assert.Equal(1, proxy.InjectedCount);
        Assert.Equal(GeneratedContentStream.Sha256Of(size), stored.Sha256);
        Assert.Equal(GeneratedContentStream.Sha256Of(size), await StoreAssert.Sha256OfObjectAsync(store, "leopass-lost-answer"));
    }

    [Fact]
    public async Task A_put_whose_answer_was_lost_and_whose_retry_is_refused_is_recognised_as_this_uploads_own_object()
    {
        var (store, proxy, _) = await BehindProxyAsync();
        proxy.Inject(r => r.IsPutObject && r.Key == "leopass-retried", InjectedFault.ResetAfterForwarding);

        var stored = await store.PutAsync("leopass-retried", new GeneratedContentStream(5000));

        Assert.Equal(1, proxy.InjectedCount);
        // The retry met the first attempt's object and the server refused it: 412, then recognised as ours.
        Assert.Equal(2, proxy.Requests.Count(r => r.IsPutObject && r.Key == "leopass-retried"));
        Assert.Equal(GeneratedContentStream.Sha256Of(5000), stored.Sha256);
        Assert.Equal(UploadVerification.SinglePartMd5, stored.Verification);
    }

    [Fact]
    public async Task Object_lock_headers_go_on_every_write_and_the_confirmed_retention_is_reported()
    {
        var clock = new DateTimeOffset(2026, 11, 27, 2, 0, 0, TimeSpan.Zero);
        var (store, proxy, _) = await BehindProxyAsync(emulateObjectLock: true, configure: o => o with
        {
            ObjectLock = new RetentionLock(RetentionLockMode.Compliance, 30),
            Clock = new FixedClock(clock),
        });

        var small = await store.PutAsync("leopass-locked.manifest.json", new GeneratedContentStream(100));
        var large = await store.PutAsync("leopass-locked", new GeneratedContentStream(PartSize + 1));

        foreach (var write in proxy.Requests.Where(r => (r.IsPutObject || r.IsInitiateMultipartUpload) && IsBackupObject(r)))
        {
            Assert.Equal("COMPLIANCE", write.Header("x-amz-object-lock-mode"));
            Assert.StartsWith("2026-12-27T02:00:00", write.Header("x-amz-object-lock-retain-until-date"), StringComparison.Ordinal);
        }
        Assert.Equal(2, proxy.Requests.Count(r => r.Header("x-amz-object-lock-mode") is not null));
        Assert.All(proxy.Requests.Where(r => r.Key == S3ArtefactStore.ConditionalWriteProbeKey), r => Assert.Null(r.Header("x-amz-object-lock-mode")));
        Assert.Equal(clock.AddDays(30), small.RetainedUntil);
        Assert.Equal(clock.AddDays(30), large.RetainedUntil);
        Assert.Equal(clock.AddDays(30), (await store.HeadAsync("leopass-locked"))!.RetainedUntil);
    }

    [Fact]
    public async Task A_lock_the_server_does_not_report_is_not_claimed()
    {
        using var store = new S3ArtefactStore(s3.Options(await s3.CreateBucketAsync()) with { ObjectLock = new RetentionLock(RetentionLockMode.Governance, 30) });

        var stored = await store.PutAsync("leopass-unlocked", new GeneratedContentStream(100));

        Assert.Null(stored.RetainedUntil);
    }

    [Fact]
    public async Task Deleting_an_object_still_under_its_lock_is_refused_as_retained_and_leaves_it()
    {
        var (store, _, _) = await BehindProxyAsync(emulateObjectLock: true, configure: o => o with { ObjectLock = new RetentionLock(RetentionLockMode.Governance, 1) });
        await store.PutAsync("leopass-kept", new GeneratedContentStream(100));

        var error = await Assert.ThrowsAsync<ArtefactRetainedException>(() => store.DeleteAsync("leopass-kept"));

        Assert.Equal("leopass-kept", error.Key);
        Assert.Contains("still under a retention lock", error.Message, StringComparison.Ordinal);
        Assert.NotNull(await store.HeadAsync("leopass-kept"));
    }

    /// <summary>A request for one of the test's objects, not the store's conditional-write probe.</summary>
    private static bool IsBackupObject(S3Request request) =>
        request.Key.StartsWith("leopass-", StringComparison.Ordinal) && request.Key != S3ArtefactStore.ConditionalWriteProbeKey;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var store in _stores) store.Dispose();
        foreach (var proxy in _proxies) await proxy.DisposeAsync();
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
