namespace Expothesis.Fast.Assignment.Internal;

/// <summary>
/// Unix time in milliseconds from the cheap monotonic tick count, re-anchored to the wall clock once a
/// second. Exposure timestamps only feed hourly series, so a few milliseconds of resolution are plenty and
/// the hot path avoids a wall-clock read per assignment.
/// </summary>
internal static class CoarseClock
{
    private const long ResyncMs = 1000;

    // Unix ms minus tick count; a single long so readers never see a torn anchor.
    private static long s_offset = Anchor(Environment.TickCount64);
    private static long s_nextSync = Environment.TickCount64 + ResyncMs;

    public static long UnixMs
    {
        get
        {
            long tick = Environment.TickCount64;
            if (tick >= Volatile.Read(ref s_nextSync))
            {
                Volatile.Write(ref s_offset, Anchor(tick));
                Volatile.Write(ref s_nextSync, tick + ResyncMs);
            }
            return tick + Volatile.Read(ref s_offset);
        }
    }

    private static long Anchor(long tick) => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - tick;
}
