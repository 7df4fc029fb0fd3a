using LeoPass.Recovery.Core.Configuration;

namespace LeoPass.Recovery.Core.Tests;

public class RecoverySettingsTests
{
    private static RecoverySettings Load(params (string Key, string Value)[] values) =>
        RecoverySettings.Load(new EnvironmentReader(values.ToDictionary(v => v.Key, v => (string?)v.Value)));

    [Fact]
    public void Defaults_apply_when_nothing_is_set()
    {
        var s = Load();
        Assert.Equal(30, s.Backup.RetentionDays);
        Assert.Equal(CompressionKind.Zstd, s.Backup.Compression);
        Assert.Equal("0 2 * * *", s.Backup.Cron);
        Assert.False(s.Storage.UsesObjectStorage);
        Assert.Equal(StorageSettings.DefaultBackupDirectory, s.Storage.BackupDirectory);
    }

    [Fact]
    public void Two_clusters_on_one_host_get_their_own_restore_work_directory_by_default_and_a_set_one_is_kept()
    {
        var production = Load(("RECOVERY_DATABASE_URL", "postgresql://leopass:s3cret@db.internal:5432/leopass_recovery")).Runbook.WorkDirectory;
        var staging = Load(("RECOVERY_DATABASE_URL", "postgresql://leopass:s3cret@127.0.0.1:5433/leopass_recovery")).Runbook.WorkDirectory;
        Assert.Equal(Path.Combine(Path.GetTempPath(), "leopass-restore", "db.internal-5432-leopass_recovery"), production);
        Assert.NotEqual(production, staging);
        Assert.DoesNotContain("s3cret", production, StringComparison.Ordinal);
        Assert.Equal("/srv/restore", Load(("RECOVERY_DATABASE_URL", "postgresql://u:p@h/db"), ("RESTORE_WORK_DIR", "/srv/restore")).Runbook.WorkDirectory);
    }

    [Fact]
    public void Every_bad_variable_is_named_in_one_error()
    {
        var e = Assert.Throws<ConfigurationException>(() => Load(
            ("BACKUP_RETENTION_DAYS", "thirty"),
            ("BACKUP_COMPRESSION", "lz4"),
            ("UPTIME_KUMA_PUSH_URL", "not a url"),
            ("BACKUP_ENCRYPTION_PUBLIC_KEY", "/nonexistent/key.asc")));
        Assert.Equal(4, e.Problems.Count);
        Assert.Contains("BACKUP_RETENTION_DAYS='thirty'", e.Message, StringComparison.Ordinal);
        Assert.Contains("zstd, gzip, none", e.Message, StringComparison.Ordinal);
        Assert.Contains("UPTIME_KUMA_PUSH_URL", e.Message, StringComparison.Ordinal);
        Assert.Contains("/nonexistent/key.asc", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("20")]
    [InlineData("fast")]
    public void Zstd_level_outside_1_to_19_is_refused(string level)
    {
        var e = Assert.Throws<ConfigurationException>(() => Load(("BACKUP_ZSTD_LEVEL", level)));
        Assert.Contains($"BACKUP_ZSTD_LEVEL='{level}'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Zstd_level_defaults_to_2_and_can_be_set()
    {
        Assert.Equal(2, Load().Backup.ZstdLevel);
        Assert.Equal(7, Load(("BACKUP_ZSTD_LEVEL", "7")).Backup.ZstdLevel);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("61")]
    [InlineData("1.5")]
    [InlineData("fast")]
    public void Cluster_checkin_interval_outside_1_to_60_seconds_is_refused(string seconds)
    {
        var e = Assert.Throws<ConfigurationException>(() => Load(("LEOPASS_CLUSTER_CHECKIN_INTERVAL", seconds)));
        Assert.Contains("LEOPASS_CLUSTER_CHECKIN_INTERVAL", e.Message, StringComparison.Ordinal);
        Assert.Contains("from 1 to 60", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cluster_checkin_interval_defaults_to_2_s_and_sets_the_failover_time()
    {
        Assert.Equal(TimeSpan.FromSeconds(2), Load().Cluster.CheckinInterval);
        Assert.Equal(TimeSpan.FromSeconds(8), Load().Cluster.FailoverTime);
        var five = Load(("LEOPASS_CLUSTER_CHECKIN_INTERVAL", "5")).Cluster;
        Assert.Equal(TimeSpan.FromSeconds(5), five.CheckinInterval);
        Assert.Equal(TimeSpan.FromSeconds(10), five.CheckinMisfireThreshold);
        Assert.Equal(TimeSpan.FromSeconds(20), five.FailoverTime);
    }

    [Fact]
    public void Bucket_without_credentials_is_refused()
    {
        var e = Assert.Throws<ConfigurationException>(() => Load(("OCI_BUCKET", "b")));
        Assert.Contains("OCI_S3_ACCESS_KEY", e.Message, StringComparison.Ordinal);
        Assert.Contains("OCI_S3_SECRET_KEY", e.Message, StringComparison.Ordinal);
        Assert.Contains("OCI_S3_ENDPOINT", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sentry_dsn_is_never_echoed_when_invalid()
    {
        var e = Assert.Throws<ConfigurationException>(() => Load(("SENTRY_DSN", "ftp://publickey123@sentry")));
        Assert.Contains("SENTRY_DSN", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("publickey123", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Secrets_lists_passwords_keys_and_passphrase()
    {
        var s = Load(("DATABASE_URL", "postgresql://u:dbpass@h/d"), ("OCI_BUCKET", "b"), ("OCI_S3_ACCESS_KEY", "ak"),
            ("OCI_S3_SECRET_KEY", "s3secret"), ("OCI_S3_ENDPOINT", "http://127.0.0.1:9"), ("BACKUP_DECRYPTION_PASSPHRASE", "phrase"));
        Assert.Contains("dbpass", s.Secrets());
        Assert.Contains("s3secret", s.Secrets());
        Assert.Contains("phrase", s.Secrets());
    }

    [Fact]
    public void Required_setting_missing_says_what_to_set()
    {
        var e = Assert.Throws<ConfigurationException>(() => Load().RequireRecoveryDatabase());
        Assert.StartsWith("RECOVERY_DATABASE_URL is not set", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Object_lock_is_refused_on_the_filesystem_store_naming_what_to_do()
    {
        var e = Assert.Throws<ConfigurationException>(() => Load(("BACKUP_OBJECT_LOCK", "compliance")));
        Assert.Contains("BACKUP_OBJECT_LOCK='compliance' needs object storage", e.Message, StringComparison.Ordinal);
        Assert.Contains("OCI_BUCKET", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Object_lock_on_a_bucket_holds_for_the_retention_days()
    {
        var s = Load(("BACKUP_OBJECT_LOCK", "Governance"), ("BACKUP_RETENTION_DAYS", "14"), ("OCI_BUCKET", "b"), ("OCI_S3_ACCESS_KEY", "a"),
            ("OCI_S3_SECRET_KEY", "s"), ("OCI_S3_ENDPOINT", "https://s3.example.invalid"));
        Assert.Equal(new RetentionLock(RetentionLockMode.Governance, 14), s.Storage.ObjectLock);
        Assert.Null(Load(("BACKUP_OBJECT_LOCK", "none")).Storage.ObjectLock);
        Assert.Contains("BACKUP_OBJECT_LOCK='forever'", Assert.Throws<ConfigurationException>(() => Load(("BACKUP_OBJECT_LOCK", "forever"))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_signing_passphrase_is_a_secret()
    {
        var s = Load(("BACKUP_SIGNING_PASSPHRASE", "sign-me-4471"));
        Assert.Contains("sign-me-4471", s.Secrets());
    }
}
