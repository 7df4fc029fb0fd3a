using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace LeoPass.Recovery.Engine.Persistence;

/// <summary>For `dotnet ef migrations add`: generating a migration needs the model, not a database.</summary>
internal sealed class DesignTimeEngineDbContextFactory : IDesignTimeDbContextFactory<EngineDbContext>
{
    public EngineDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<EngineDbContext>();
        EngineDbContext.Configure(builder, Environment.GetEnvironmentVariable("RECOVERY_DATABASE_URL") is { Length: > 0 } url
            ? LeoPass.Recovery.Core.Configuration.PostgresConnectionString.Parse(url, "RECOVERY_DATABASE_URL")
            : "Host=localhost;Database=leopass_recovery_design");
        return new EngineDbContext(builder.Options);
    }
}
