using LeoPass.Recovery.Storage.Tests.Support;

namespace LeoPass.Recovery.Storage.Tests;

/// <summary>
/// What every <see cref="IArtefactStore"/> must do. Each implementation runs these tests through
/// a small subclass that says how to build the store and how to look for upload leftovers.
/// </summary>
public abstract class ArtefactStoreConformanceTests : IAsyncLifetime
{
    /// <summary>S3's minimum part size; the S3 store under test uses it, so "several parts" stays small.</summary>
    protected const int PartSize = 5 * 1024 * 1024;
    private const long SeveralParts = 3L * PartSize + 1234567;

    protected IArtefactStore Store { get; private set; } = null!;

    protected abstract Task<IArtefactStore> CreateStoreAsync();

    protected abstract UploadVerification ExpectedSinglePartVerification { get; }
    protected abstract ReplaceProtection ExpectedReplaceProtection { get; }
    protected abstract UploadVerification ExpectedMultipartVerification { get; }
    protected abstract int ExpectedPartCount(long size);

    /// <summary>Fails if the store still holds anything of an unfinished upload (temp files, multipart parts).</summary>
    protected abstract Task AssertNoUploadLeftoversAsync();

    public async Task InitializeAsync() => Store = await CreateStoreAsync();

    public virtual Task DisposeAsync()
    {
        (Store as IDisposable)?.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Put_streams_content_of_unknown_length_over_several_parts_and_get_returns_identical_bytes()
    {
        var log = new StoreAssert.UploadLog();

        var stored = await Store.PutAsync("big/leopass-1.dump", new GeneratedContentStream(SeveralParts), log.Options);

        var expectedSha256 = GeneratedContentStream.Sha256Of(SeveralParts);
        Assert.Equal(SeveralParts, stored.Size);
        Assert.Equal(expectedSha256, stored.Sha256);
        Assert.Equal(ExpectedMultipartVerification, stored.Verification);
        Assert.Equal(ExpectedPartCount(SeveralParts), stored.PartCount);
        Assert.Equal(SeveralParts, log.LastProgress);
        Assert.Equal(log.Started, log.Finished);
        Assert.Equal(expectedSha256, await StoreAssert.Sha256OfObjectAsync(Store, "big/leopass-1.dump"));
        await AssertNoUploadLeftoversAsync();
    }

    [Fact]
    public async Task Put_of_an_object_smaller_than_a_part_is_verified_as_a_single_part()
    {
        var stored = await Store.PutAsync("small.manifest.json", new GeneratedContentStream(4321));

        Assert.Equal(4321, stored.Size);
        Assert.Equal(ExpectedSinglePartVerification, stored.Verification);
        Assert.Equal(GeneratedContentStream.Sha256Of(4321), await StoreAssert.Sha256OfObjectAsync(Store, "small.manifest.json"));
    }

    [Fact]
    public async Task Put_of_an_empty_stream_stores_an_empty_object()
    {
        var stored = await Store.PutAsync("empty", new GeneratedContentStream(0));

        Assert.Equal(0, stored.Size);
        Assert.Equal(0, (await Store.HeadAsync("empty"))!.Size);
    }

    [Fact]
    public async Task Put_to_an_existing_key_is_refused_and_leaves_the_existing_object_intact()
    {
        var first = await Store.PutAsync("same-key", new GeneratedContentStream(1000, seed: 1));

        var error = await Assert.ThrowsAsync<ArtefactAlreadyExistsException>(() => Store.PutAsync("same-key", new GeneratedContentStream(2000, seed: 2)));

        Assert.True(error.IsPermanent);
        Assert.Equal("same-key", error.Key);
        Assert.Contains("refusing to replace 'same-key'", error.Message, StringComparison.Ordinal);
        Assert.Equal(ExpectedReplaceProtection, first.ReplaceProtection);
        Assert.Equal(GeneratedContentStream.Sha256Of(1000, seed: 1), await StoreAssert.Sha256OfObjectAsync(Store, "same-key"));
        Assert.Equal(1000, Assert.Single(await StoreAssert.ListAllAsync(Store)).Size);
    }

    [Fact]
    public async Task Multipart_put_to_an_existing_key_is_refused_before_any_part_is_sent_and_leaves_the_existing_object_intact()
    {
        await Store.PutAsync("taken", new GeneratedContentStream(1000, seed: 1));
        var log = new StoreAssert.UploadLog();

        await Assert.ThrowsAsync<ArtefactAlreadyExistsException>(() => Store.PutAsync("taken", new GeneratedContentStream(SeveralParts, seed: 2), log.Options));

        Assert.Equal(0, log.LastProgress);
        Assert.Equal(log.Started, log.Finished);
        Assert.Equal(GeneratedContentStream.Sha256Of(1000, seed: 1), await StoreAssert.Sha256OfObjectAsync(Store, "taken"));
        Assert.Single(await StoreAssert.ListAllAsync(Store));
        await AssertNoUploadLeftoversAsync();
    }

    /// <summary>
    /// Two writers racing for one key: one wins, the other is refused, and what is stored is the
    /// winner's, whole. Only for stores whose refusal is atomic (<see cref="ReplaceProtection.CheckedBeforeWrite"/>
    /// is not); each such store's test class runs it.
    /// </summary>
    protected async Task AssertConcurrentPutsToOneKeyKeepExactlyOneAsync()
    {
        for (var round = 0; round < 5; round++)
        {
            var key = $"raced-{round}";
            var sizes = new long[] { SeveralParts, SeveralParts - 1000 };
            using var start = new SemaphoreSlim(0, 2);
            var puts = sizes.Select((size, i) => Task.Run(async () =>
            {
                await start.WaitAsync();
                return await Store.PutAsync(key, new GeneratedContentStream(size, seed: i + 10));
            })).ToList();
            start.Release(2);
            var outcomes = await Task.WhenAll(puts.Select(async p =>
            {
                try { return (Stored: await p, Error: (Exception?)null); }
                catch (ArtefactAlreadyExistsException e) { return (Stored: (StoredObject?)null, Error: e); }
            }));

            var winner = Assert.Single(outcomes, o => o.Stored is not null).Stored!;
            Assert.Single(outcomes, o => o.Error is ArtefactAlreadyExistsException);
            Assert.Equal(winner.Sha256, await StoreAssert.Sha256OfObjectAsync(Store, key));
        }
    }

    [Fact]
    public async Task Head_returns_size_and_time_of_a_stored_object()
    {
        var before = DateTimeOffset.UtcNow.AddMinutes(-1);
        await Store.PutAsync("leopass-2026-01-01T020000Z.dump", new GeneratedContentStream(777));

        var info = await Store.HeadAsync("leopass-2026-01-01T020000Z.dump");

        Assert.NotNull(info);
        Assert.Equal("leopass-2026-01-01T020000Z.dump", info.Key);
        Assert.Equal(777, info.Size);
        Assert.InRange(info.LastModified, before, DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task Head_of_a_missing_key_is_null() => Assert.Null(await Store.HeadAsync("nothing-here"));

    [Fact]
    public async Task Get_of_a_missing_key_throws_ArtefactNotFoundException()
    {
        var error = await Assert.ThrowsAsync<ArtefactNotFoundException>(() => Store.OpenReadAsync("nothing/here"));

        Assert.Equal("nothing/here", error.Key);
        Assert.True(error.IsPermanent);
    }

    [Fact]
    public async Task List_returns_only_keys_with_the_prefix_in_key_order()
    {
        foreach (var key in new[] { "leopass-b", "other/leopass-x", "leopass-a", "leopass-c.manifest.json" })
        {
            await Store.PutAsync(key, new GeneratedContentStream(10));
        }

        var listed = await StoreAssert.ListAllAsync(Store, "leopass-");

        Assert.Equal(["leopass-a", "leopass-b", "leopass-c.manifest.json"], listed.Select(i => i.Key));
        Assert.All(listed, item => Assert.Equal(10, item.Size));
        Assert.Equal(["other/leopass-x"], (await StoreAssert.ListAllAsync(Store, "other/")).Select(i => i.Key));
    }

    [Fact]
    public async Task List_of_an_empty_store_returns_nothing()
    {
        Assert.Empty(await StoreAssert.ListAllAsync(Store));
        Assert.Empty(await StoreAssert.ListAllAsync(Store, "leopass-"));
    }

    [Fact]
    public async Task Delete_removes_the_object()
    {
        await Store.PutAsync("doomed", new GeneratedContentStream(10));

        await Store.DeleteAsync("doomed");

        Assert.Null(await Store.HeadAsync("doomed"));
        Assert.Empty(await StoreAssert.ListAllAsync(Store));
    }

    [Fact]
    public async Task Delete_of_a_missing_key_succeeds() => await Store.DeleteAsync("never-existed");

    [Fact]
    public async Task Upload_fails_and_leaves_nothing_when_the_content_stream_throws_halfway()
    {
        var log = new StoreAssert.UploadLog();
        var content = new GeneratedContentStream(SeveralParts) { FailAt = 2L * PartSize + 100 };

        await Assert.ThrowsAsync<ContentFailedException>(() => Store.PutAsync("aborted", content, log.Options));

        Assert.Null(await Store.HeadAsync("aborted"));
        Assert.Empty(await StoreAssert.ListAllAsync(Store));
        Assert.Equal(log.Started, log.Finished);
        await AssertNoUploadLeftoversAsync();
    }

    [Fact]
    public async Task Upload_cancelled_halfway_leaves_nothing()
    {
        using var cancellation = new CancellationTokenSource();
        var content = new GeneratedContentStream(SeveralParts) { HookAt = 2L * PartSize + 100, Hook = () => cancellation.CancelAsync() };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.PutAsync("cancelled", content, cancellationToken: cancellation.Token));

        Assert.Null(await Store.HeadAsync("cancelled"));
        Assert.Empty(await StoreAssert.ListAllAsync(Store));
        await AssertNoUploadLeftoversAsync();
    }

    [Fact]
    public async Task Abort_of_an_unknown_upload_succeeds() => await Store.AbortUploadAsync("leopass-x", "0123456789abcdef0123456789abcdef");

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/../../escape")]
    [InlineData("/etc/passwd")]
    [InlineData("a\\b")]
    [InlineData("a//b")]
    [InlineData("")]
    public async Task Keys_that_could_escape_the_store_are_refused(string key)
    {
        var error = await Assert.ThrowsAsync<ArtefactStoreException>(() => Store.PutAsync(key, new GeneratedContentStream(1)));

        Assert.True(error.IsPermanent);
        Assert.Contains("invalid artefact key", error.Message, StringComparison.Ordinal);
    }
}
