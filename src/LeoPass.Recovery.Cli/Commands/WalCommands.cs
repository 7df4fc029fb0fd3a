using LeoPass.Recovery.Backup.Pitr;

namespace LeoPass.Recovery.Cli.Commands;

/// <summary>`wal fetch`: PostgreSQL's restore_command for point-in-time restores, and a responder's way to bring one WAL file back by hand.</summary>
internal static class WalCommands
{
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
            $"Exit 0: written; 1: not shipped (PostgreSQL's end of the archive); {ExitCodes.WalCannotRestore}: shipped but missing or corrupt, which makes PostgreSQL stop instead of promoting a shorter history")
        { file, destination, spool };
        command.SetActionWithoutHost(async (output, parse, cancellationToken) =>
        {
            var name = parse.GetValue(file)!;
            var path = parse.GetValue(destination)!;
            if (parse.GetValue(spool) is { } directory)
            {
                var (outcome, message) = await FetchSpoolHandOver.HandOverAsync(new FetchSpool(directory), name, path, TimeSpan.FromMinutes(10), TimeProvider.System, cancellationToken);
                if (outcome == HandOver.Delivered) return ExitCodes.Success;
                output.Note(outcome == HandOver.NotPlanned ? $"wal fetch: {message}" : $"error: WAL file {name} cannot be restored: {message}");
                return outcome == HandOver.NotPlanned ? ExitCodes.Failure : ExitCodes.WalCannotRestore;
            }
            return await FetchFromStoreAsync(output, name, path, parse, cancellationToken);
        });
        return command;
    }

    private static async Task<int> FetchFromStoreAsync(Output.CliOutput output, string name, string path, ParseResult parse, CancellationToken cancellationToken)
    {
        await using var context = await Hosting.CliContext.CreateAsync(output, parse.GetValue(CommonOptions.Verbose), cancellationToken);
        var fetcher = context.Get<WalFetcher>();
        var key = await fetcher.FindAsync(name, cancellationToken);
        if (key is null)
        {
            output.Note($"wal fetch: {name} was not shipped to {context.Settings.Storage.Describe()}");
            return ExitCodes.Failure;
        }
        try
        {
            await fetcher.FetchAsync(key, name, path, cancellationToken);
            return ExitCodes.Success;
        }
        catch (Backup.BackupException e)
        {
            output.Note($"error: WAL file {name} cannot be restored: {e.Message}");
            return ExitCodes.WalCannotRestore;
        }
    }
}
