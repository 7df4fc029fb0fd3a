using LeoPass.Recovery.Core.Schema;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace LeoPass.Recovery.Backup.Catalogue;

/// <summary>
/// The backup catalogue in the orchestrator's own database, schema <c>catalogue</c>, with its
/// own migrations history so the engine's and API's contexts can share the database.
/// </summary>
public sealed class CatalogueDbContext(DbContextOptions<CatalogueDbContext> options) : DbContext(options)
{
    public const string Schema = "catalogue";

    public DbSet<CatalogueEntry> Backups => Set<CatalogueEntry>();
    public DbSet<PendingUpload> PendingUploads => Set<PendingUpload>();
    public DbSet<Watchdog.WatchRecord> Watches => Set<Watchdog.WatchRecord>();
    public DbSet<WalSegmentEntry> WalSegments => Set<WalSegmentEntry>();
    public DbSet<BaseBackupEntry> BaseBackups => Set<BaseBackupEntry>();
    public DbSet<WalStreamState> WalStreams => Set<WalStreamState>();

    public static DbContextOptions<CatalogueDbContext> OptionsFor(string connectionString)
    {
        var builder = new DbContextOptionsBuilder<CatalogueDbContext>()
            .UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable(MigrationHistory.Table, Schema))
            .UseSnakeCaseNamingConvention();
        // The model compiled into Catalogue/CompiledModel: no model building and no expression trees compiled
        // for accessors and snapshots when a process starts. scripts/ef-compiled-models.sh regenerates it
        // after a model change (CompiledModelTests fail until then); migrations and `dotnet ef` still
        // build the design-time model from OnModelCreating.
#if !EF_COMPILED_MODEL_REGENERATION
        builder.UseModel(CompiledModel.CatalogueDbContextModel.Instance);
#endif
        return builder.Options;
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.Entity<CatalogueEntry>(entry =>
        {
            entry.ToTable("backups");
            entry.HasKey(e => e.Key);
            entry.HasIndex(e => e.SnapshotStartedAt);
            entry.Property(e => e.ManifestJson).HasColumnType("jsonb");
        });
        modelBuilder.Entity<PendingUpload>(upload =>
        {
            upload.ToTable("pending_uploads");
            upload.HasKey(e => e.UploadId);
        });
        modelBuilder.Entity<Watchdog.WatchRecord>(watch =>
        {
            watch.ToTable("watches");
            watch.HasKey(e => e.Watch);
        });
        modelBuilder.Entity<WalSegmentEntry>(segment =>
        {
            segment.ToTable("wal_segments");
            segment.HasKey(e => e.Key);
            // The first shipment of a file is the one the catalogue lists; a second (a lost answer) is left alone.
            segment.HasIndex(e => new { e.Timeline, e.FileName }).IsUnique().HasFilter("pruned_at IS NULL");
            segment.HasIndex(e => e.CompletedAt);
            segment.Property(e => e.ManifestJson).HasColumnType("jsonb");
        });
        modelBuilder.Entity<BaseBackupEntry>(backup =>
        {
            backup.ToTable("base_backups");
            backup.HasKey(e => e.Key);
            backup.HasIndex(e => e.StartedAt);
            backup.Property(e => e.ManifestJson).HasColumnType("jsonb");
        });
        modelBuilder.Entity<WalStreamState>(stream =>
        {
            stream.ToTable("wal_streams");
            stream.HasKey(e => e.Source);
        });
    }
}

/// <summary>Lets `dotnet ef migrations add` build the model without a live database.</summary>
public sealed class CatalogueDbContextDesignFactory : IDesignTimeDbContextFactory<CatalogueDbContext>
{
    public CatalogueDbContext CreateDbContext(string[] args) => new(CatalogueDbContext.OptionsFor("Host=localhost;Database=design_time"));
}
