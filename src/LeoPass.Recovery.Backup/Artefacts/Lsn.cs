using System.Globalization;

namespace LeoPass.Recovery.Backup.Artefacts;

/// <summary>A PostgreSQL WAL location (pg_lsn), written as PostgreSQL writes it: <c>16/B374D848</c>.</summary>
public readonly record struct Lsn(ulong Value) : IComparable<Lsn>
{
    public static Lsn Parse(string text)
    {
        if (TryParse(text, out var lsn)) return lsn;
        throw new FormatException($"'{text}' is not a WAL location: expected two hexadecimal numbers separated by '/', such as 0/3000060");
    }

    public static bool TryParse(string? text, out Lsn lsn)
    {
        lsn = default;
        var parts = text?.Trim().Split('/');
        if (parts is not { Length: 2 }
            || !uint.TryParse(parts[0], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var high)
            || !uint.TryParse(parts[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var low))
        {
            return false;
        }
        lsn = new Lsn(((ulong)high << 32) | low);
        return true;
    }

    public int CompareTo(Lsn other) => Value.CompareTo(other.Value);

    public static bool operator <(Lsn a, Lsn b) => a.Value < b.Value;
    public static bool operator >(Lsn a, Lsn b) => a.Value > b.Value;
    public static bool operator <=(Lsn a, Lsn b) => a.Value <= b.Value;
    public static bool operator >=(Lsn a, Lsn b) => a.Value >= b.Value;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Value >> 32:X}/{Value & 0xFFFFFFFF:X}");
}
