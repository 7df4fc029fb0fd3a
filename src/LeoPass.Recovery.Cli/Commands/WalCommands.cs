using System.CommandLine;
using LeoPass.Recovery.Backup.Pitr;

namespace LeoPass.Recovery.Cli.Commands;

/// <summary>`wal fetch`: PostgreSQL's restore_command for point-in-time restores, and a responder's way to bring one WAL file back by hand.</summary>
internal static class WalCommands
{
    /// <summary>restore_command's exit code for a WAL file that should exist but cannot be restored: above 125, so PostgreSQL aborts recovery rather than promote a shorter history.</summary>
    public const int CannotRestore = 126;

    public static Command Create()
    {
        var wal = new Command("wal", "Shipped WAL (point-in-time recovery)");
        wal.Subcommands.Add(Fetch());
        return wal;
    }

    private static Command Fetch()
    {
        var file = new Argument<string>("file") { Description = "The WAL file name PostgreSQL asks for (%f)" };
        var destination = new Argument<string>("path") { Description = "Where to write it (%p)" };
        var spool = new Option<string?>("--spool") { Description = "A point-in-time restore's WAL spool: take the file it prepared (no keys needed here)" };
        var command = new Command("fetch",
            "Bring a shipped WAL file back: download, check SHA-256 and signature, decrypt, decompress (restore_command = 'leopass-recovery wal fetch %f %p'). " +
            $"Exit 0: written; 1: not shipped (PostgreSQL's end of the archive); {CannotRestore}: shipped but missing or corrupt, which makes PostgreSQL stop instead of promoting a shorter history")
        { file, destination, spool };
        command.SetActionWithoutConfiguration(async (output, parse, cancellationToken) =>
        {
            var name = parse.GetValue(file)!;
            var path = parse.GetValue(destination)!;
            if (parse.GetValue(spool) is { } directory)
            {
                var (outcome, message) = await FetchSpoolHandOver.HandOverAsync(new FetchSpool(directory), name, path, TimeSpan.FromMinutes(10), TimeProvider.System, cancellationToken);
                if (outcome == HandOver.Delivered) return CommandRunner.Success;
                Console.Error.WriteLine(outcome == HandOver.NotPlanned ? $"wal fetch: {message}" : $"error: WAL file {name} cannot be restored: {message}");
                return outcome == HandOver.NotPlanned ? CommandRunner.Failure : CannotRestore;
            }
            return await FetchFromStoreAsync(name, path, parse, cancellationToken);
        });
        return command;
    }

    private static async Task<int> FetchFromStoreAsync(string name, string path, ParseResult parse, CancellationToken cancellationToken)
    {
        await using var context = await Hosting.CliContext.CreateAsync(json: false, parse.GetValue(CommonOptions.Verbose), cancellationToken);
        var fetcher = context.Get<WalFetcher>();
        var key = await fetcher.FindAsync(name, cancellationToken);
        if (key is null)
        {
            Console.Error.WriteLine($"wal fetch: {name} was not shipped to {context.Settings.Storage.Describe()}");
            return CommandRunner.Failure;
        }
        try
        {
            await fetcher.FetchAsync(key, name, path, cancellationToken);
            return CommandRunner.Success;
        }
        catch (Backup.BackupException e)
        {
            Console.Error.WriteLine($"error: WAL file {name} cannot be restored: {e.Message}");
            return CannotRestore;
        }
    }
}
