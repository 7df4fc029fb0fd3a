using LeoPass.Recovery.Backup.Encryption;
using LeoPass.Recovery.Backup;
using LeoPass.Recovery.Engine.Definitions;
using LeoPass.Recovery.Storage;
using Npgsql;

namespace LeoPass.Recovery.Cli.Commands;

/// <summary>
/// Turns every failure into one line on stderr — secrets masked — and an exit code:
/// 1 the work failed, 2 refused (bad configuration or arguments, or a run state that does not
/// allow the operation). LEOPASS_DEBUG=1 adds the stack trace.
/// </summary>
internal static class CliErrors
{
    /// <summary>Prints the one line (and, for --json, an error object on stdout); returns the exit code.</summary>
    public static int Report(Exception e, Output.CliOutput output)
    {
        var (message, code) = Describe(e);
        output.Error(message);
        if (Hosting.CliConfiguration.Reader().Flag("LEOPASS_DEBUG")) output.Note(e.ToString());
        return code;
    }

    private static (string Message, int Code) Describe(Exception e) => e switch
    {
        RunOutcomeException outcome => (outcome.Message, outcome.ExitCode),
        IllegalTransitionException or DefinitionVersionConflictException => (e.Message, ExitCodes.Refused),
        // A run request refused before anything was touched (missing --confirm, target equal to the
        // source, a missing setting) is the request's fault, not the work's: scripts tell them apart by 2.
        ConfigurationException or UsageException or InvalidDefinitionException or InvalidRunRequestException or DefinitionPurposeException => (e.Message, ExitCodes.Refused),
        NotFoundException => (e.Message, ExitCodes.Failure),
        BackupException or ArtefactStoreException or EncryptionKeyException or DecryptionKeyException or ArtefactIntegrityException
            or InvalidDataException or IOException => (e.Message, ExitCodes.Failure),
        NpgsqlException n => ($"cannot reach the recovery database: {n.Message}", ExitCodes.Failure),
        Microsoft.Extensions.Options.OptionsValidationException o => (o.Message, ExitCodes.Failure),
        // Anything else still ends in one line: the innermost cause, which is what a person can act on.
        _ => (Innermost(e).Message.Split('\n')[0], ExitCodes.Failure),
    };

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }
}
