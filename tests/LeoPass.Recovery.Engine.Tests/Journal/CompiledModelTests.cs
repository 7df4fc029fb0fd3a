using LeoPass.Recovery.Engine.Journal;
using LeoPass.Recovery.Engine.Journal.CompiledModel;
using LeoPass.Recovery.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace LeoPass.Recovery.Engine.Tests.Journal;

/// <summary>The engine runs with a compiled model (docs/engine.md, "Compiled models"); it must say what the entity types say.</summary>
public sealed class CompiledModelTests
{
    [Fact]
    public void The_engine_context_runs_with_a_compiled_model_that_matches_its_entity_types()
    {
        var builder = new DbContextOptionsBuilder<EngineDbContext>();
        // Never connected to: the models are compared in memory.
        EngineDbContext.Configure(builder, "Host=localhost;Database=compiled_model_check");
        using var db = new EngineDbContext(builder.Options);
        CompiledModelCheck.AssertCurrent(db, typeof(EngineDbContextModel));
    }
}
