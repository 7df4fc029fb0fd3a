using LeoPass.Recovery.Backup.CustomFormat;
using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.Backup.Tests.CustomFormat;

/// <summary>
/// pg_dump writes the data offsets into its TOC only when its output is a seekable file; our
/// backups stream it. The recorder must give a streamed archive exactly the offsets pg_dump
/// would have written, or leave it untouched.
/// </summary>
public sealed class DataOffsetRecorderTests : IAsyncLifetime
{
    private readonly string _work = Directory.CreateTempSubdirectory("leopass-offsets-").FullName;
    private TestDatabase _database = null!;
    private byte[] _streamed = [];
    private byte[] _seekable = [];

    public async Task InitializeAsync()
    {
        _database = await PostgresServer.CreateDatabaseAsync("offsets");
        await SampleData.SeedAsync(_database.ConnectionString, rows: 5_000);
        // Every kind of block: tables with rows, an empty table, and large objects (their own block type).
        await _database.ExecuteAsync("""
            CREATE TABLE empty_table (id int PRIMARY KEY);
            SELECT lo_from_bytea(0, decode(repeat('ab', 5000), 'hex'));
            SELECT lo_from_bytea(0, 'small'::bytea);
            """);
        var streamedPath = Path.Combine(_work, "streamed.dump");
        var seekablePath = Path.Combine(_work, "seekable.dump");
        var toStdout = await ExternalTool.RunAsync("pg_dump", ["--format=custom", "--compress=0", "--dbname", _database.Url], stdoutFile: streamedPath);
        Assert.True(toStdout.ExitCode == 0, "pg_dump to a pipe failed: " + toStdout);
        var toFile = await ExternalTool.RunAsync("pg_dump", ["--format=custom", "--compress=0", "--file", seekablePath, "--dbname", _database.Url]);
        Assert.True(toFile.ExitCode == 0, "pg_dump --file failed: " + toFile);
        _streamed = await File.ReadAllBytesAsync(streamedPath);
        _seekable = await File.ReadAllBytesAsync(seekablePath);
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    [Theory]
    [InlineData(1 << 17)] // the size the restore writes in
    [InlineData(7)] // every integer and header split across writes
    [InlineData(1)]
    public void A_streamed_archive_becomes_what_pg_dump_writes_to_a_file(int writeSize)
    {
        Assert.Equal(_seekable.Length, _streamed.Length);
        // Without the offsets the two differ beyond the header: the test would catch a no-op.
        Assert.Contains(DifferingPositions(_streamed, _seekable), p => p >= HeaderTimeEnd);

        var index = Record(_streamed, writeSize);
        var patched = Apply(index, _streamed);

        // 3 tables with rows + the empty table + the large objects.
        Assert.Equal(5, index.Writes.Count);
        Assert.Contains("for 5 data blocks", index.Description, StringComparison.Ordinal);
        // Only the creation time in the header may differ: the two dumps ran at different moments.
        Assert.All(DifferingPositions(patched, _seekable), p => Assert.InRange(p, 0, HeaderTimeEnd - 1));
    }

    [Fact]
    public async Task Parallel_pg_restore_of_the_patched_archive_restores_identical_content()
    {
        var patchedPath = Path.Combine(_work, "patched.dump");
        await File.WriteAllBytesAsync(patchedPath, Apply(Record(_streamed, 1 << 16), _streamed));
        await using var target = await PostgresServer.CreateDatabaseAsync("offsets_target");
        var restore = await ExternalTool.RunAsync("pg_restore", ["--jobs=2", "--exit-on-error", "--dbname", target.Url, patchedPath]);
        Assert.True(restore.ExitCode == 0, "pg_restore failed: " + restore);
        Assert.Equal(await SampleData.FingerprintAsync(_database.ConnectionString), await SampleData.FingerprintAsync(target.ConnectionString));
        Assert.Equal(2L, await target.ScalarAsync<long>("SELECT count(*) FROM pg_largeobject_metadata"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Writes_of_random_sizes_give_the_same_offsets(int seed)
    {
        var random = new Random(seed);
        var recorder = new DataOffsetRecorder();
        for (var i = 0; i < _streamed.Length;)
        {
            var size = Math.Min(random.Next(1, 70_000), _streamed.Length - i);
            recorder.Observe(_streamed.AsSpan(i, size));
            i += size;
        }

        Assert.Equal(Record(_streamed, 1 << 17).Writes.Select(w => (w.Position, w.Offset, w.DumpId)), recorder.Finish().Writes.Select(w => (w.Position, w.Offset, w.DumpId)));
    }

    [Fact]
    public void Offsets_that_do_not_point_at_their_blocks_are_checked_after_writing_and_taken_back()
    {
        var index = Record(_streamed, 1 << 16);
        var shifted = index with { Writes = [.. index.Writes.Select((w, i) => w with { Bytes = index.Writes[(i + 1) % index.Writes.Count].Bytes })] };

        var path = Path.Combine(_work, "checked.dump");
        File.WriteAllBytes(path, _streamed);
        string outcome;
        using (var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite)) outcome = shifted.WriteInto(handle);

        Assert.StartsWith("left without data offsets: byte ", outcome, StringComparison.Ordinal);
        Assert.Equal(_streamed, File.ReadAllBytes(path));
    }

    [Fact]
    public async Task An_offset_pointing_at_the_wrong_block_is_refused_by_pg_restore_not_restored_silently()
    {
        // Why the check above matches pg_restore's own: it checks the block ID at each offset.
        var index = Record(_streamed, 1 << 16);
        var path = Path.Combine(_work, "shifted.dump");
        await File.WriteAllBytesAsync(path, _streamed);
        using (var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite))
        {
            for (var i = 0; i < index.Writes.Count; i++) RandomAccess.Write(handle, index.Writes[(i + 1) % index.Writes.Count].Bytes, index.Writes[i].Position);
        }
        await using var target = await PostgresServer.CreateDatabaseAsync("offsets_wrong");
        var restore = await ExternalTool.RunAsync("pg_restore", ["--jobs=2", "--exit-on-error", "--dbname", target.Url, path]);
        Assert.NotEqual(0, restore.ExitCode);
        Assert.Contains("block ID", restore.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_archive_that_already_has_offsets_is_left_as_it_is()
    {
        var index = Record(_seekable, 1 << 17);
        Assert.Empty(index.Writes);
        Assert.Equal("the archive already had its data offsets", index.Description);
    }

    [Fact]
    public void A_truncated_archive_gets_no_offsets()
    {
        var index = Record(_streamed[..(_streamed.Length - 100)], 1 << 17);
        Assert.Empty(index.Writes);
        Assert.Contains("ended inside a data block", index.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void An_archive_version_it_does_not_know_gets_no_offsets()
    {
        var future = (byte[])_streamed.Clone();
        future[6] = 99; // the minor version byte, after "PGDMP" and the major version
        var index = Record(future, 1 << 17);
        Assert.Empty(index.Writes);
        Assert.Contains("archive version 1.99", index.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void A_block_that_the_toc_does_not_list_gets_no_offsets()
    {
        var damaged = (byte[])_streamed.Clone();
        var firstBlock = Record(_streamed, 1 << 17).Writes.Min(w => w.Offset);
        // The block's dump ID follows its type byte: a sign byte, then 4 bytes, least significant first.
        damaged[firstBlock + 5] = 0x7F;
        var index = Record(damaged, 1 << 17);
        Assert.Empty(index.Writes);
        Assert.Contains("not in the TOC", index.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Bytes_that_are_not_an_archive_get_no_offsets()
    {
        var index = Record("not a pg_dump archive at all"u8.ToArray(), 1 << 17);
        Assert.Empty(index.Writes);
        Assert.Contains("PGDMP", index.Description, StringComparison.Ordinal);
    }

    // The header up to the end of the creation time: "PGDMP", 3 version bytes, the integer and
    // offset sizes, the format, the compression (a 5-byte integer before archive version 1.15,
    // one byte since), then 7 integers of 5 bytes.
    private int HeaderTimeEnd => 5 + 3 + 3 + (_streamed[6] >= 15 ? 1 : 5) + 7 * 5;

    private static DataOffsetIndex Record(byte[] archive, int writeSize)
    {
        var recorder = new DataOffsetRecorder();
        for (var i = 0; i < archive.Length; i += writeSize) recorder.Observe(archive.AsSpan(i, Math.Min(writeSize, archive.Length - i)));
        return recorder.Finish();
    }

    private byte[] Apply(DataOffsetIndex index, byte[] archive)
    {
        var path = Path.Combine(_work, $"apply-{Guid.NewGuid():N}.dump");
        File.WriteAllBytes(path, archive);
        using (var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite)) Assert.Equal(index.Description, index.WriteInto(handle));
        var patched = File.ReadAllBytes(path);
        File.Delete(path);
        return patched;
    }

    private static IEnumerable<int> DifferingPositions(byte[] a, byte[] b) =>
        Enumerable.Range(0, Math.Min(a.Length, b.Length)).Where(i => a[i] != b[i]);
}
