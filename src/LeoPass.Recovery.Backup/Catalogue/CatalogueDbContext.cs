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
    public const string MigrationsHistoryTable = "__migrations";

    public DbSet<CatalogueEntry> Backups => Set<CatalogueEntry>();
    public DbSet<PendingUpload> PendingUploads => Set<PendingUpload>();
    public DbSet<Watchdog.WatchRecord> Watches => Set<Watchdog.WatchRecord>();

    public static DbContextOptions<CatalogueDbContext> OptionsFor(string connectionString) =>
        new DbContextOptionsBuilder<CatalogueDbContext>()
            .UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable(MigrationsHistoryTable, Schema))
            .UseSnakeCaseNamingConvention()
            .Options;

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
    }
}

/// <summary>Lets `dotnet ef migrations add` build the model without a live database.</summary>
public sealed class CatalogueDbContextDesignFactory : IDesignTimeDbContextFactory<CatalogueDbContext>
{
    public CatalogueDbContext CreateDbContext(string[] args) => new(CatalogueDbContext.OptionsFor("Host=localhost;Database=design_time"));
}
