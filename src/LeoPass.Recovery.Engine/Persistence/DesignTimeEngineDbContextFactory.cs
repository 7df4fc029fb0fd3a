using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace LeoPass.Recovery.Engine.Persistence;

/// <summary>For `dotnet ef migrations add`: generating a migration needs the model, not a database.</summary>
internal sealed class DesignTimeEngineDbContextFactory : IDesignTimeDbContextFactory<EngineDbContext>
{
    public EngineDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<EngineDbContext>();
        // Never connected to: the tools only need a provider to build the model with.
        EngineDbContext.Configure(builder, "Host=localhost;Database=leopass_recovery_design");
        return new EngineDbContext(builder.Options);
    }
}
