using LeoPass.Recovery.Engine.Runs;
using LeoPass.Recovery.Core.Schema;
using Microsoft.EntityFrameworkCore;

namespace LeoPass.Recovery.Engine.Journal;

/// <summary>
/// The engine's tables, all in schema <c>engine</c> with a migrations history of their own
/// (<c>engine.__ef_migrations_history</c>), so other modules' DbContexts can share the database.
/// Names are snake_case (EFCore.NamingConventions, as in the catalogue and access contexts), so
/// hand-written SQL (fencing, the CLI's liveness check, psql at 3 a.m.) needs no quoting.
/// The Quartz <c>engine.qrtz_*</c> tables are created by a raw-SQL migration and not mapped here.
/// </summary>
public sealed class EngineDbContext(DbContextOptions<EngineDbContext> options) : DbContext(options)
{
    public const string Schema = "engine";

    public DbSet<DefinitionVersionRecord> DefinitionVersions => Set<DefinitionVersionRecord>();
    public DbSet<DefinitionDraftRecord> DefinitionDrafts => Set<DefinitionDraftRecord>();
    public DbSet<RunRecord> Runs => Set<RunRecord>();
    public DbSet<StepRecord> Steps => Set<StepRecord>();
    public DbSet<AttemptRecord> Attempts => Set<AttemptRecord>();
    public DbSet<AuditRecord> Audit => Set<AuditRecord>();
    public DbSet<DiagnosticEventRecord> DiagnosticEvents => Set<DiagnosticEventRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);

        modelBuilder.Entity<DefinitionVersionRecord>(e =>
        {
            e.ToTable("definition_versions");
            e.HasIndex(d => new { d.DefinitionId, d.Version }).IsUnique();
            e.Property(d => d.Content).HasColumnType("jsonb");
        });

        modelBuilder.Entity<DefinitionDraftRecord>(e =>
        {
            e.ToTable("definition_drafts");
            e.HasKey(d => d.DefinitionId);
            e.Property(d => d.Revision).IsConcurrencyToken();
        });

        modelBuilder.Entity<RunRecord>(e =>
        {
            e.ToTable("runs");
            e.Property(r => r.State).HasConversion<string>();
            e.Property(r => r.Parameters).HasColumnType("jsonb");
            // Rows from before the column keep their retries; false must still be written, hence the sentinel.
            e.Property(r => r.AutomaticRetries).HasDefaultValue(true).HasSentinel(true);
            e.HasIndex(r => r.IdempotencyKey).IsUnique();
            e.HasIndex(r => new { r.State, r.CreatedAt });
            e.HasIndex(r => new { r.DefinitionId, r.CreatedAt });
            e.HasOne<DefinitionVersionRecord>().WithMany().HasForeignKey(r => r.DefinitionVersionId).OnDelete(DeleteBehavior.Restrict);
            e.HasMany(r => r.Steps).WithOne().HasForeignKey(s => s.RunId);
        });

        modelBuilder.Entity<StepRecord>(e =>
        {
            e.ToTable("steps");
            e.Property(s => s.State).HasConversion<string>();
            e.Property(s => s.GatePhase).HasConversion<string>();
            e.Property(s => s.Output).HasColumnType("jsonb");
            e.HasIndex(s => new { s.RunId, s.StepId }).IsUnique();
        });

        modelBuilder.Entity<AttemptRecord>(e =>
        {
            e.ToTable("attempts");
            e.Property(a => a.Outcome).HasConversion<string>();
            e.Property(a => a.Output).HasColumnType("jsonb");
            e.HasIndex(a => new { a.RunId, a.StepId, a.Number }).IsUnique();
            e.HasOne<RunRecord>().WithMany().HasForeignKey(a => a.RunId);
        });

        modelBuilder.Entity<AuditRecord>(e =>
        {
            e.ToTable("audit");
            e.HasIndex(a => new { a.RunId, a.At });
        });

        modelBuilder.Entity<DiagnosticEventRecord>(e =>
        {
            e.ToTable("diagnostic_events");
            e.HasIndex(d => new { d.RunId, d.StepId });
        });

    }

    /// <summary>The one place Npgsql options are set, shared by the host, the CLI, the migrator and design-time tools.</summary>
    public static void Configure(DbContextOptionsBuilder builder, string connectionString)
    {
        builder.UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable(MigrationHistory.Table, Schema))
            .UseSnakeCaseNamingConvention();
        // The model compiled into Journal/CompiledModel: no model building and no expression trees compiled
        // for accessors and snapshots when a process starts. scripts/ef-compiled-models.sh regenerates it
        // after a model change (CompiledModelTests fail until then); migrations and `dotnet ef` still
        // build the design-time model from OnModelCreating.
#if !EF_COMPILED_MODEL_REGENERATION
        builder.UseModel(CompiledModel.EngineDbContextModel.Instance);
#endif
    }
}
