using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore;

namespace LeoPass.Recovery.Engine.Journal;

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
