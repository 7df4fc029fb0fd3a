namespace LeoPass.Recovery.Core.Configuration;

/// <summary>
/// Point-in-time recovery: the WAL stream a server node runs against the source (when
/// <see cref="StreamEnabled"/>), and where a point-in-time restore builds its cluster. The base
/// backups' schedule lives in the base-backup definition (<c>${BASE_BACKUP_CRON}</c>).
/// </summary>
public sealed record PitrSettings
{
    public const string DefaultSlotName = "leopass";
    public static readonly TimeSpan DefaultMaxWalAge = TimeSpan.FromSeconds(60);
    public const long DefaultSlotMaxBytes = 8L << 30;
    public static readonly TimeSpan DefaultRpoTarget = TimeSpan.FromMinutes(5);

    /// <summary>WAL_STREAM: a server node streams the source's WAL (one node of the cluster at a time).</summary>
    public bool StreamEnabled { get; init; }

    /// <summary>
    /// WAL_SOURCE_URL: the connection the stream uses, as a role with REPLICATION (and
    /// <c>GRANT EXECUTE ON FUNCTION pg_switch_wal()</c>); null uses DATABASE_URL.
    /// </summary>
    public string? SourceConnection { get; init; }

    /// <summary>WAL_SLOT_NAME: the physical replication slot that keeps every segment on the source until it is shipped.</summary>
    public string SlotName { get; init; } = DefaultSlotName;

    /// <summary>WAL_MAX_AGE: a quiet database's WAL is switched when the newest shipped segment is older than this and WAL has advanced.</summary>
    public TimeSpan MaxWalAge { get; init; } = DefaultMaxWalAge;

    /// <summary>
    /// WAL_RPO_TARGET: the RPO the stream promises, watched between drills: the watchdog warns when
    /// the newest shipped WAL is 80 % of this old and alerts past it. Longer than WAL_MAX_AGE.
    /// </summary>
    public TimeSpan RpoTarget { get; init; } = DefaultRpoTarget;

    /// <summary>WAL_SLOT_MAX_BYTES: retained WAL on the source above which the stream alerts (the source's disk is at stake).</summary>
    public long SlotMaxBytes { get; init; } = DefaultSlotMaxBytes;

    /// <summary>WAL_SPOOL_DIR: where received segments wait until they are shipped (they are deleted only then).</summary>
    public string SpoolDirectory { get; init; } = "/var/opt/leopass/wal-spool";

    /// <summary>
    /// LEOPASS_CLI: the shell words that run this tool in PostgreSQL's restore_command
    /// (`&lt;LEOPASS_CLI&gt; wal fetch %f %p`); null: the CLI the checkout's ./leopass-recovery built
    /// (LEOPASS_REPO_ROOT/.build/cli), called directly so a restore never waits for, or fails on, a rebuild.
    /// </summary>
    public string? CliCommand { get; init; }

    internal static PitrSettings Read(EnvironmentReader env, string? repositoryRoot)
    {
        var slot = env.Text("WAL_SLOT_NAME") ?? DefaultSlotName;
        if (!System.Text.RegularExpressions.Regex.IsMatch(slot, "^[a-z0-9_]{1,63}$"))
        {
            env.AddProblem($"WAL_SLOT_NAME='{slot}' is not valid: a replication slot name is 1-63 lowercase letters, digits and underscores.");
            slot = DefaultSlotName;
        }
        var maxWalAge = TimeSpan.FromSeconds(env.Integer("WAL_MAX_AGE", (int)DefaultMaxWalAge.TotalSeconds, 5, 86_400));
        var rpoTarget = env.Duration("WAL_RPO_TARGET", DefaultRpoTarget, TimeSpan.FromSeconds(10), TimeSpan.FromDays(1));
        if (rpoTarget <= maxWalAge)
        {
            env.AddProblem(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"WAL_RPO_TARGET ({rpoTarget.TotalSeconds:0} s) must be longer than WAL_MAX_AGE ({maxWalAge.TotalSeconds:0} s): a quiet database ships WAL only every WAL_MAX_AGE, so the watchdog would alert on a healthy stream."));
        }
        return new PitrSettings
        {
            StreamEnabled = env.Flag("WAL_STREAM"),
            SourceConnection = env.PostgresConnection("WAL_SOURCE_URL"),
            SlotName = slot,
            MaxWalAge = maxWalAge,
            RpoTarget = rpoTarget,
            SlotMaxBytes = ReadSlotMaxBytes(env),
            SpoolDirectory = Path.GetFullPath(env.Text("WAL_SPOOL_DIR") ?? "/var/opt/leopass/wal-spool"),
            CliCommand = env.Text("LEOPASS_CLI") ?? BuiltCli(repositoryRoot),
        };
    }

    private static string? BuiltCli(string? repositoryRoot)
    {
        if (repositoryRoot is null) return null;
        var dll = Path.Combine(repositoryRoot, ".build", "cli", "leopass-recovery.dll");
        return $"dotnet '{dll}'";
    }

    private static long ReadSlotMaxBytes(EnvironmentReader env)
    {
        var text = env.Text("WAL_SLOT_MAX_BYTES");
        if (text is null) return DefaultSlotMaxBytes;
        if (long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var bytes) && bytes >= 16L << 20) return bytes;
        env.AddProblem($"WAL_SLOT_MAX_BYTES='{text}' is not valid: expected a number of bytes of at least 16777216 (one WAL segment), default {DefaultSlotMaxBytes}.");
        return DefaultSlotMaxBytes;
    }
}
