using LeoPass.Recovery.Core.Schema;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore;

namespace LeoPass.Recovery.Server.Tokens;

/// <summary>
/// API access in the orchestrator's own database, schema <c>access</c>: tokens, idempotency keys
/// and the HTTP audit trail. Its own migrations history table lets it share the database with
/// the engine's and the catalogue's contexts.
/// </summary>
public sealed class AccessDbContext(DbContextOptions<AccessDbContext> options) : DbContext(options)
{
    public const string Schema = "access";

    public DbSet<ApiToken> Tokens => Set<ApiToken>();
    public DbSet<IdempotencyRecord> IdempotencyKeys => Set<IdempotencyRecord>();
    public DbSet<ApiAuditRecord> Audit => Set<ApiAuditRecord>();

    public static DbContextOptions<AccessDbContext> OptionsFor(string connectionString) =>
        new DbContextOptionsBuilder<AccessDbContext>()
            .UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable(MigrationHistory.Table, Schema))
            .UseSnakeCaseNamingConvention()
            .Options;

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.Entity<ApiToken>(token =>
        {
            token.ToTable("tokens");
            token.HasIndex(t => t.Hash).IsUnique();
            // One live token per name: the name is what the audit trail records.
            token.HasIndex(t => t.Name).IsUnique().HasFilter("revoked_at IS NULL");
            token.Property(t => t.Role).HasConversion<string>().HasMaxLength(16);
            token.Property(t => t.Name).HasMaxLength(64);
            token.Property(t => t.Hash).HasMaxLength(64);
            token.Property(t => t.Prefix).HasMaxLength(16);
        });
        modelBuilder.Entity<IdempotencyRecord>(key =>
        {
            key.ToTable("idempotency_keys");
            key.HasKey(k => k.Key);
            key.Property(k => k.RequestHash).HasMaxLength(64);
        });
        modelBuilder.Entity<ApiAuditRecord>(audit =>
        {
            audit.ToTable("audit");
            audit.HasIndex(a => a.At);
        });
    }
}

/// <summary>Lets `dotnet ef migrations add` build the model without a live database.</summary>
public sealed class AccessDbContextDesignFactory : IDesignTimeDbContextFactory<AccessDbContext>
{
    public AccessDbContext CreateDbContext(string[] args) => new(AccessDbContext.OptionsFor("Host=localhost;Database=design_time"));
}
