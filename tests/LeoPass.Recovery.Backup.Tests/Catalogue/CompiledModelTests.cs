using LeoPass.Recovery.Backup.Catalogue;
using LeoPass.Recovery.Backup.Catalogue.CompiledModel;
using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.Backup.Tests.Catalogue;

/// <summary>The catalogue runs with a compiled model (docs/engine.md, "Compiled models"); it must say what the entity types say.</summary>
public sealed class CompiledModelTests
{
    [Fact]
    public void The_catalogue_context_runs_with_a_compiled_model_that_matches_its_entity_types()
    {
        // Never connected to: the models are compared in memory.
        using var db = new CatalogueDbContext(CatalogueDbContext.OptionsFor("Host=localhost;Database=compiled_model_check"));
        CompiledModelCheck.AssertCurrent(db, typeof(CatalogueDbContextModel));
    }
}
