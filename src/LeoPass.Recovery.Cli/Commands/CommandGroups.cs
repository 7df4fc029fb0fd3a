
namespace LeoPass.Recovery.Cli.Commands;

/// <summary>The top-level command groups, in the order `--help` lists them.</summary>
internal static class CommandGroups
{
    public static IEnumerable<Command> All()
    {
        yield return BackupCommands.Create();
        yield return RunCommands.Create();
        yield return DrillCommands.Create();
        yield return WalCommands.Create();
        yield return ServerCommand.Create();
        yield return KeysCommands.Create();
        yield return TokenCommands.Create();
        yield return Demo.DemoCommand.Create();
        yield return BenchCommand.Create();
    }
}
