using Cronos;
using OrderPlatform.FlowRunner.Flows;

namespace OrderPlatform.FlowRunner.Schedules;

/// <summary>
/// Fire times of a schedule. Interval fire times are anchor + k·period, so they never drift and every period length
/// (not only divisors of 60, activepieces #14235) fires once per period; cron times come from Cronos in the schedule's
/// IANA time zone (daylight-saving gaps and overlaps handled there).
/// </summary>
public static class ScheduleClock
{
    public static IEnumerable<string> Validate(ScheduleDefinition? schedule)
    {
        if (schedule is null)
        {
            yield return "trigger.schedule: a schedule trigger needs a schedule.";
            yield break;
        }

        if (schedule.Misfire is not ("coalesce" or "skip"))
        {
            yield return $"trigger.schedule.misfire: '{schedule.Misfire}' is neither 'coalesce' nor 'skip'.";
        }

        var error = schedule.Kind switch
        {
            "interval" when schedule.EverySeconds is not (>= 1 and <= 31_536_000) => "trigger.schedule.everySeconds: must be between 1 and 31536000.",
            "interval" => null,
            "cron" => CronError(schedule),
            _ => $"trigger.schedule.kind: '{schedule.Kind}' is neither 'interval' nor 'cron'.",
        };
        if (error is not null)
        {
            yield return error;
        }
    }

    /// <summary>The first fire time strictly after <paramref name="after"/>.</summary>
    public static DateTimeOffset Next(ScheduleDefinition schedule, DateTimeOffset after)
    {
        if (schedule.Kind == "cron")
        {
            return (Cron(schedule).GetNextOccurrence(after, Zone(schedule)) ?? DateTimeOffset.MaxValue).ToUniversalTime();
        }

        var period = TimeSpan.FromSeconds(schedule.EverySeconds!.Value).Ticks;
        var anchor = (schedule.Anchor ?? DateTimeOffset.UnixEpoch).UtcTicks;
        var k = Math.Floor((double)(after.UtcTicks - anchor) / period) + 1;
        return new DateTimeOffset(anchor + ((long)k * period), TimeSpan.Zero);
    }

    private static string? CronError(ScheduleDefinition schedule)
    {
        if (string.IsNullOrWhiteSpace(schedule.Cron))
        {
            return "trigger.schedule.cron: a cron schedule needs a cron expression.";
        }

        try
        {
            _ = Cron(schedule);
            _ = Zone(schedule);
            return null;
        }
        catch (CronFormatException e)
        {
            return $"trigger.schedule.cron: '{schedule.Cron}' does not parse: {e.Message}";
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return $"trigger.schedule.timeZone: '{schedule.TimeZone}' is not an IANA time zone.";
        }
    }

    private static CronExpression Cron(ScheduleDefinition schedule) => CronExpression.Parse(
        schedule.Cron ?? "", (schedule.Cron ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);

    private static TimeZoneInfo Zone(ScheduleDefinition schedule) => TimeZoneInfo.FindSystemTimeZoneById(schedule.TimeZone);
}
