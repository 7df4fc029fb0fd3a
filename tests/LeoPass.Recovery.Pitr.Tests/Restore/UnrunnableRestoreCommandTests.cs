using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Pitr.Tests.Support;

namespace LeoPass.Recovery.Pitr.Tests.Restore;

/// <summary>
/// PostgreSQL runs restore_command as its own user. When that user cannot run the CLI, recovery
/// only says "could not locate required checkpoint record"; the restore checks first and says what
/// is wrong and what to set.
/// </summary>
public sealed class UnrunnableRestoreCommandTests
{
    [Fact]
    public async Task A_restore_command_the_server_user_cannot_run_halts_the_restore_before_recovery_naming_LEOPASS_CLI()
    {
        await using var bed = await PitrTestBed.CreateAsync(maxWalAge: 5);
        // Only the restore runs the CLI: the base backup and the WAL stream do not.
        bed.Variables["LEOPASS_CLI"] = "dotnet '/nonexistent/leopass-recovery.dll'";
        var node = await bed.StartServerNodeAsync();
        var baseBackup = await PitrTestBed.RunAsync(node, "base-backup");
        Assert.True(baseBackup.State == RunState.Succeeded, PitrTestBed.Steps(baseBackup));

        var halted = await PitrTestBed.RunAsync(node, "pitr-drill");

        Assert.True(halted.State == RunState.Halted, PitrTestBed.Steps(halted));
        var restore = halted.Steps.Single(s => s.StepId == "restore");
        Assert.Equal(StepState.Failed, restore.State);
        Assert.Contains("restore_command runs `dotnet '/nonexistent/leopass-recovery.dll' wal fetch`", halted.HaltReason, StringComparison.Ordinal);
        Assert.Contains("set LEOPASS_CLI", halted.HaltReason, StringComparison.Ordinal);
        Assert.DoesNotContain("checkpoint record", halted.HaltReason, StringComparison.Ordinal);
        Assert.Empty(Directory.GetDirectories(bed.Variables["RESTORE_WORK_DIR"]!, "pitr-run-*"));
    }
}
