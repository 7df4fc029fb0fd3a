using System.Text;
using Microsoft.EntityFrameworkCore;

namespace LeoPass.Recovery.Engine.Journal;

/// <summary>
/// Lower snake_case for tables, columns, keys and indexes, so hand-written SQL (fencing, the
/// CLI's liveness check, psql at 3 a.m.) needs no quoting.
/// </summary>
internal static class SnakeCaseNames
{
    public static void Apply(ModelBuilder model)
    {
        foreach (var entity in model.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(ToSnake(property.Name));
            }
            foreach (var key in entity.GetKeys())
            {
                key.SetName(ToSnake(key.GetName() ?? ""));
            }
            foreach (var foreignKey in entity.GetForeignKeys())
            {
                foreignKey.SetConstraintName(ToSnake(foreignKey.GetConstraintName() ?? ""));
            }
            foreach (var index in entity.GetIndexes())
            {
                index.SetDatabaseName(ToSnake(index.GetDatabaseName() ?? ""));
            }
        }
    }

    public static string ToSnake(string name)
    {
        var builder = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && name[i - 1] != '_' && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1])))) builder.Append('_');
                builder.Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }
        return builder.ToString();
    }
}
