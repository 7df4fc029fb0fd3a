using LeoPass.Recovery.Core.Configuration;
using LeoPass.Recovery.Engine.Definitions;
using LeoPass.Recovery.Engine.Execution;
using LeoPass.Recovery.Engine.State;
using Npgsql;

namespace LeoPass.Recovery.Cli.Commands;

/// <summary>Turns the failures a user can act on into one line on stderr and a non-zero exit code.</summary>
internal static class CliErrors
{
    public const int Failure = 1;
    public const int Refused = 2;

    public static async Task<int> GuardAsync(Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception e) when (Describe(e) is { } known)
        {
            await Console.Error.WriteLineAsync("error: " + known.Message);
            return known.Code;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Anything else still ends in one line; LEOPASS_DEBUG=1 shows where it came from.
            var root = e;
            while (root.InnerException is not null) root = root.InnerException;
            await Console.Error.WriteLineAsync($"error: {root.Message.Split('\n')[0]}");
            if (Environment.GetEnvironmentVariable("LEOPASS_DEBUG") == "1") await Console.Error.WriteLineAsync(e.ToString());
            return Failure;
        }
    }

    private static (string Message, int Code)? Describe(Exception e) => e switch
    {
        IllegalTransitionException or DefinitionVersionConflictException => (e.Message, Refused),
        InvalidRunRequestException or NotFoundException or ConfigurationException or InvalidDefinitionException => (e.Message, Failure),
        NpgsqlException n => ($"cannot reach the recovery database: {n.Message}", Failure),
        Microsoft.Extensions.Options.OptionsValidationException o => (o.Message, Failure),
        _ => null,
    };
}
