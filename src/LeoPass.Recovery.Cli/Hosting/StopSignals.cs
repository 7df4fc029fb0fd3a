using System.Runtime.InteropServices;

namespace LeoPass.Recovery.Cli.Hosting;

/// <summary>
/// Ctrl+C (SIGINT) and SIGTERM, for the whole process: the first cancels <see cref="Token"/>, which
/// every command's work and its temporary node's execution run under, so the step in progress is
/// cancelled (its child processes too), cleaned up and journaled, and the command exits 130. A
/// second Ctrl+C within <see cref="ForceWindow"/> stops the process at once, by the signal's own
/// default action. Should the orderly stop hang, it is cut short after <see cref="StopGrace"/>.
/// The product's host has no signal handling of its own in a command (<see cref="CommandLifetime"/>):
/// one owner, so the same Ctrl+C cannot stop the host under the command that is cleaning up.
/// </summary>
/// <param name="interruptedExitCode">The process's exit code when the orderly stop is cut short (130, Commands.ExitCodes).</param>
internal sealed class StopSignals(int interruptedExitCode) : IDisposable
{
    /// <summary>A second Ctrl+C this soon after the first stops at once; later, it counts as a first one again.</summary>
    public static readonly TimeSpan ForceWindow = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long an orderly stop may take before the process ends anyway: longer than the host's own
    /// shutdown timeout (15 s, RecoveryNode), so a server's host always finishes first and leaves the
    /// cluster, and a command has the time to delete a partial dump or end an upload.
    /// </summary>
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(25);

    private static string? _received;

    private readonly CancellationTokenSource _stop = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private long _lastInterruptTicks;

    /// <summary>From here on, SIGINT and SIGTERM are this object's.</summary>
    public StopSignals Listen()
    {
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal));
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal));
        return this;
    }

    public CancellationToken Token => _stop.Token;

    /// <summary>"Ctrl+C" or "SIGTERM": what stopped this command, for its `interrupted: …` line and the halted run's reason.</summary>
    public static string Describe() => _received ?? "Ctrl+C";

    private void OnSignal(PosixSignalContext context)
    {
        var now = Environment.TickCount64;
        var last = Interlocked.Exchange(ref _lastInterruptTicks, now);
        if (context.Signal == PosixSignal.SIGINT && _stop.IsCancellationRequested && now - last < ForceWindow.TotalMilliseconds)
        {
            Console.Error.WriteLine("interrupted: second Ctrl+C, stopped at once without cleaning up: a run this command executed stays Running until a server takes it over (`run list --state Running`)");
            // Not cancelled: the runtime applies SIGINT's default action, which ends the process (exit status 130).
            context.Cancel = false;
            return;
        }
        context.Cancel = true;
        if (_stop.IsCancellationRequested)
        {
            if (context.Signal == PosixSignal.SIGINT) Console.Error.WriteLine($"still stopping; Ctrl+C again within {ForceWindow.TotalSeconds:0} s stops at once");
            return;
        }
        _received = context.Signal == PosixSignal.SIGINT ? "Ctrl+C" : "SIGTERM";
        if (context.Signal == PosixSignal.SIGINT)
        {
            Console.Error.WriteLine($"stopping: cancelling the work in progress and cleaning up (Ctrl+C again within {ForceWindow.TotalSeconds:0} s stops at once)");
        }
        _stop.Cancel();
        _ = Task.Delay(StopGrace).ContinueWith(_ =>
        {
            Console.Error.WriteLine($"interrupted: the orderly stop took longer than {StopGrace.TotalSeconds:0} s; stopping now");
            Environment.Exit(interruptedExitCode);
        }, TaskScheduler.Default);
    }

    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _stop.Dispose();
    }
}
