using System.Text.Json;

namespace LeoPass.Recovery.Backup.Pitr;

/// <summary>
/// The hand-over between a point-in-time restore and PostgreSQL's restore_command
/// (<c>leopass-recovery wal fetch %f %p --spool DIR</c>). The restore (running as the node, which
/// holds the private key) downloads, verifies and decrypts the planned WAL files ahead into DIR;
/// restore_command (running as the PostgreSQL server's user, which holds no key) only moves a
/// ready file into place. Files in DIR:
/// <list type="bullet">
/// <item><c>plan.json</c>: the file names the restore planned, in replay order;</item>
/// <item><c>&lt;name&gt;</c>: a verified, decrypted WAL file, ready;</item>
/// <item><c>&lt;name&gt;.missing</c>: why a planned file could not be brought back (missing, corrupt, refused);</item>
/// <item><c>&lt;name&gt;.wanted</c>: PostgreSQL asks for it and waits now; <c>&lt;name&gt;.done</c>: it was handed over (at least once:
/// PostgreSQL reads the last segment again as recovery ends, so the restore keeps the newest ready files, and fetches again one asked for after it was let go).</item>
/// </list>
/// </summary>
public sealed class FetchSpool(string directory)
{
    public const string PlanFile = "plan.json";

    public string Directory { get; } = directory;

    public string ReadyPath(string name) => Path.Combine(Directory, name);
    public string MissingPath(string name) => Path.Combine(Directory, name + ".missing");
    public string WantedPath(string name) => Path.Combine(Directory, name + ".wanted");
    public string DonePath(string name) => Path.Combine(Directory, name + ".done");

    public void WritePlan(IReadOnlyList<string> names) =>
        File.WriteAllText(Path.Combine(Directory, PlanFile), JsonSerializer.Serialize(names));

    /// <summary>The planned names, or null when there is no plan (not a spool).</summary>
    public IReadOnlyList<string>? ReadPlan()
    {
        var path = Path.Combine(Directory, PlanFile);
        return File.Exists(path) ? JsonSerializer.Deserialize<List<string>>(File.ReadAllText(path)) : null;
    }

    public bool IsDone(string name) => File.Exists(DonePath(name));

    public bool IsWanted(string name) => File.Exists(WantedPath(name));

    public string? MissingReason(string name) => File.Exists(MissingPath(name)) ? File.ReadAllText(MissingPath(name)) : null;
}

/// <summary>How a restore_command request for one WAL file ended.</summary>
public enum HandOver
{
    /// <summary>The file is in place: restore_command exits 0.</summary>
    Delivered,
    /// <summary>The restore did not plan this file (beyond the newest shipped segment, a timeline that never existed): exit 1, PostgreSQL's "not in the archive".</summary>
    NotPlanned,
    /// <summary>A planned file could not be brought back: exit above 125, which makes PostgreSQL abort recovery instead of promoting a shorter history.</summary>
    Missing,
}

public static class FetchSpoolHandOver
{
    /// <summary>What restore_command does with a spool: waits for the planned file, moves it into place.</summary>
    public static async Task<(HandOver Outcome, string Message)> HandOverAsync(FetchSpool spool, string name, string destination, TimeSpan patience, TimeProvider clock, CancellationToken cancellationToken)
    {
        var plan = spool.ReadPlan();
        if (plan is null) return (HandOver.Missing, $"{spool.Directory} holds no {FetchSpool.PlanFile}: it is not a restore's WAL spool");
        if (!plan.Contains(name, StringComparer.Ordinal)) return (HandOver.NotPlanned, $"{name} is not in this restore's plan (the plan ends at {(plan.Count > 0 ? plan[^1] : "nothing")})");
        await File.WriteAllTextAsync(spool.WantedPath(name), "", cancellationToken);
        var deadline = clock.GetUtcNow() + patience;
        while (true)
        {
            if (spool.MissingReason(name) is { } reason) return (HandOver.Missing, reason);
            if (File.Exists(spool.ReadyPath(name)))
            {
                // A copy, not a rename: the copy belongs to the server's user, which PostgreSQL needs
                // (it opens a restored segment for writing to fsync it), whoever fetched the original.
                // The original stays a while: PostgreSQL asks for the last segment again as recovery ends.
                File.Copy(spool.ReadyPath(name), destination, overwrite: true);
                await File.WriteAllTextAsync(spool.DonePath(name), "", cancellationToken);
                File.Delete(spool.WantedPath(name));
                return (HandOver.Delivered, $"{name} restored");
            }
            if (clock.GetUtcNow() > deadline)
            {
                return (HandOver.Missing, $"{name} did not arrive in {spool.Directory} within {patience.TotalSeconds:0} s: the restore that fetches it stopped (its node died?); run the restore step again");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(50), clock, cancellationToken);
        }
    }
}
