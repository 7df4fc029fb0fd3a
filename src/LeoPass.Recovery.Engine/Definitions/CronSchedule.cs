using Cronos;

namespace LeoPass.Recovery.Engine.Definitions;

/// <summary>
/// A trigger's cron and time zone, resolved from the environment and parsed. Unix cron has 5
/// fields (minute hour day-of-month month day-of-week); 6 fields put seconds first, which tests
/// use to fire a few seconds ahead. Next occurrences are computed by Cronos in the time zone, so
/// daylight-saving changes follow Cronos' rules (a skipped hour fires once, a repeated one once).
/// </summary>
public sealed record CronSchedule(string Expression, TimeZoneInfo TimeZone, CronExpression Parsed)
{
    public DateTimeOffset? NextAfter(DateTimeOffset instant) => Parsed.GetNextOccurrence(instant, TimeZone);

    public static CronSchedule Parse(string expression, string timeZone)
    {
        if (!TryParse(expression, timeZone, out var schedule, out var error)) throw new FormatException(error);
        return schedule!;
    }

    public static bool TryParse(string expression, string? timeZone, out CronSchedule? schedule, out string error)
    {
        schedule = null;
        error = "";
        var fields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var format = fields.Length switch
        {
            5 => CronFormat.Standard,
            6 => CronFormat.IncludeSeconds,
            _ => (CronFormat?)null,
        };
        if (format is null)
        {
            error = $"cron '{expression}' has {fields.Length} fields; expected 5 (minute hour day-of-month month day-of-week) or 6 (seconds first)";
            return false;
        }
        CronExpression parsed;
        try
        {
            parsed = CronExpression.Parse(string.Join(' ', fields), format.Value);
        }
        catch (CronFormatException e)
        {
            error = $"cron '{expression}' is not valid: {e.Message}";
            return false;
        }
        var zoneName = string.IsNullOrWhiteSpace(timeZone) ? "UTC" : timeZone;
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(zoneName, out var zone))
        {
            error = $"time zone '{zoneName}' is not known: expected an IANA name such as UTC or Europe/Paris";
            return false;
        }
        schedule = new CronSchedule(string.Join(' ', fields), zone, parsed);
        return true;
    }
}
