using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Xunit;

namespace LeoPass.Recovery.TestSupport;

/// <summary>
/// Whether a DbContext's compiled model (what the product runs with, <c>UseModel</c>) still says what
/// its <c>OnModelCreating</c> and entity types say, entity by entity: tables and columns, store types,
/// keys, indexes and foreign keys (what the SQL depends on) and CLR types, value converters, value
/// generation, sentinels, concurrency tokens and navigations (what reads and writes depend on).
/// (EF's migrations differ cannot compare a compiled model: it is read-optimised.) Needs no database.
/// </summary>
public static class CompiledModelCheck
{
    public const string Regenerate = "the compiled model is stale: run scripts/ef-compiled-models.sh and commit what it writes";

    public static void AssertCurrent(DbContext context, Type compiledModelType)
    {
        var compiled = context.Model;
        Assert.True(compiledModelType.IsInstanceOfType(compiled),
            $"{context.GetType().Name} runs with {compiled.GetType().Name}, not its compiled model {compiledModelType.Name}: the options lost UseModel");
        // The design-time model is built from OnModelCreating even when the options name a compiled one.
        var built = context.GetService<IDesignTimeModel>().Model;
        Assert.IsNotType(compiledModelType, built);

        var expected = Describe(built);
        var actual = Describe(compiled);
        var firstDifference = expected.Split('\n').Zip(actual.Split('\n')).FirstOrDefault(p => p.First != p.Second);
        Assert.True(expected == actual, $"{Regenerate}; first difference: built '{firstDifference.First}', compiled '{firstDifference.Second}'");
    }

    /// <summary>One line per entity type, property, key, index, foreign key and navigation, in a stable order.</summary>
    public static string Describe(IModel model)
    {
        var text = new StringBuilder();
        foreach (var entity in model.GetEntityTypes().OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"entity {entity.Name} table {entity.GetSchema()}.{entity.GetTableName()}");
            foreach (var p in entity.GetProperties().OrderBy(p => p.Name, StringComparer.Ordinal))
            {
                // A compiled model's converters are ValueConverter<,> with generated code, not EF's named
                // converter classes: what they convert between, and the store type, are what must agree.
                var mapping = p.GetRelationalTypeMapping();
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"  property {p.Name} {p.ClrType} nullable={p.IsNullable} column={p.GetColumnName()} store={mapping.StoreType} " +
                    $"converts={mapping.Converter?.ModelClrType}->{mapping.Converter?.ProviderClrType} provider={p.GetProviderClrType()} generated={p.ValueGenerated} " +
                    $"concurrency={p.IsConcurrencyToken} sentinel={p.Sentinel} default={p.GetDefaultValue()} defaultSql={p.GetDefaultValueSql()} " +
                    $"maxLength={p.GetMaxLength()} field={p.FieldInfo?.Name} access={p.GetPropertyAccessMode()}");
            }
            foreach (var key in entity.GetKeys().OrderBy(k => Names(k.Properties), StringComparer.Ordinal))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  key {Names(key.Properties)} primary={key.IsPrimaryKey()} name={key.GetName()}");
            }
            foreach (var index in entity.GetIndexes().OrderBy(i => Names(i.Properties), StringComparer.Ordinal))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  index {Names(index.Properties)} unique={index.IsUnique} filter={index.GetFilter()} name={index.GetDatabaseName()}");
            }
            foreach (var fk in entity.GetForeignKeys().OrderBy(f => Names(f.Properties), StringComparer.Ordinal))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  foreign key {Names(fk.Properties)} -> {fk.PrincipalEntityType.Name} delete={fk.DeleteBehavior} required={fk.IsRequired}");
            }
            foreach (var navigation in entity.GetNavigations().OrderBy(n => n.Name, StringComparer.Ordinal))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  navigation {navigation.Name} -> {navigation.TargetEntityType.Name} collection={navigation.IsCollection}");
            }
        }
        return text.ToString();
    }

    private static string Names(IEnumerable<IReadOnlyProperty> properties) => string.Join(",", properties.Select(p => p.Name));
}
