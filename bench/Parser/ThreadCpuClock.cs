using System.Runtime.InteropServices;

namespace Expothesis.Fast.Bench.Parser;

/// <summary>
/// CPU time of the calling thread (CLOCK_THREAD_CPUTIME_ID). On a machine shared by many processes
/// wall-clock means are mostly waiting for a core; thread CPU time is the cost on one core.
/// </summary>
internal static partial class ThreadCpuClock
{
    private const int ClockThreadCpuTimeId = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    /// <summary>Nanoseconds of CPU time used by this thread so far.</summary>
    public static long NowNs()
    {
        _ = ClockGetTime(ClockThreadCpuTimeId, out var t);
        return t.Seconds * 1_000_000_000L + t.Nanoseconds;
    }

    /// <summary>Runs <paramref name="action"/> <paramref name="iterations"/> times; returns the CPU nanoseconds per call (best of 5 rounds).</summary>
    public static double Measure(Action action, int iterations)
    {
        double best = double.MaxValue;
        for (int round = 0; round < 5; round++)
        {
            long start = NowNs();
            for (int i = 0; i < iterations; i++)
            {
                action();
            }
            best = Math.Min(best, (NowNs() - start) / (double)iterations);
        }
        return best;
    }
}
