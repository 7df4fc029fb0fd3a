using LeoPass.Recovery.Runbook.Restore;

namespace LeoPass.Recovery.Runbook.Tests;

/// <summary>A dump file counts as downloaded only at the right size and only if written since the last boot.</summary>
public sealed class DumpFileCompletenessTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"leopass-dump-{Guid.NewGuid():N}.dump");

    public void Dispose() => File.Delete(_path);

    [Fact]
    public void This_machine_reports_its_boot_time()
    {
        var booted = SystemBoot.TimeUtc();
        Assert.NotNull(booted);
        Assert.True(booted < DateTimeOffset.UtcNow && booted > DateTimeOffset.UtcNow.AddYears(-5), $"boot time {booted}");
    }

    [Fact]
    public void A_file_of_the_right_size_written_since_boot_is_complete()
    {
        File.WriteAllBytes(_path, new byte[1000]);
        Assert.True(DumpFiles.IsCompleteFile(new FileInfo(_path), 1000, SystemBoot.TimeUtc()));
        Assert.False(DumpFiles.IsCompleteFile(new FileInfo(_path), 1001, SystemBoot.TimeUtc()));
    }

    [Fact]
    public void A_file_from_before_the_last_boot_is_downloaded_again()
    {
        File.WriteAllBytes(_path, new byte[1000]);
        var bootedAt = DateTimeOffset.UtcNow;
        File.SetLastWriteTimeUtc(_path, bootedAt.UtcDateTime.AddMinutes(-5));

        Assert.False(DumpFiles.IsCompleteFile(new FileInfo(_path), 1000, bootedAt));
    }

    [Fact]
    public void A_missing_file_is_not_complete() =>
        Assert.False(DumpFiles.IsCompleteFile(new FileInfo(_path), 0, SystemBoot.TimeUtc()));
}
