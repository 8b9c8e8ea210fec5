using System.Globalization;

namespace Expothesis.Fast.Load.Measurement;

/// <summary>
/// CPU seconds of a process and its descendants, from <c>/proc/&lt;pid&gt;/stat</c>: utime + stime + cutime + cstime
/// of every live process in the tree (exited children are in their parent's cutime/cstime, so nothing counts twice).
/// </summary>
internal static class ProcessCpu
{
    /// <summary>Kernel clock ticks per second as reported in /proc (USER_HZ, 100 on Linux).</summary>
    private const double TicksPerSecond = 100.0;

    /// <summary>CPU seconds used so far by <paramref name="pid"/> and its descendants; null when the process is gone.</summary>
    public static double? ReadTreeSeconds(int pid)
    {
        if (ReadStat(pid) is null)
        {
            return null;
        }

        var children = ChildMap();
        double total = 0;
        var stack = new Stack<int>();
        stack.Push(pid);
        var seen = new HashSet<int>();
        while (stack.Count > 0)
        {
            var p = stack.Pop();
            if (!seen.Add(p))
            {
                continue;
            }

            if (ReadStat(p) is { } stat)
            {
                total += stat.CpuTicks / TicksPerSecond;
            }

            if (children.TryGetValue(p, out var list))
            {
                foreach (var c in list)
                {
                    stack.Push(c);
                }
            }
        }

        return total;
    }

    /// <summary>Parses the fields after the command name: ppid, and utime + stime + cutime + cstime in ticks.</summary>
    internal static (int ParentPid, long CpuTicks)? ParseStat(string stat)
    {
        var close = stat.LastIndexOf(')');
        if (close < 0)
        {
            return null;
        }

        // Fields after ") ": state(3) ppid(4) ... utime(14) stime(15) cutime(16) cstime(17).
        var fields = stat[(close + 2)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 15)
        {
            return null;
        }

        var ppid = int.Parse(fields[1], CultureInfo.InvariantCulture);
        long ticks = 0;
        for (var i = 11; i <= 14; i++)
        {
            ticks += long.Parse(fields[i], CultureInfo.InvariantCulture);
        }

        return (ppid, ticks);
    }

    private static (int ParentPid, long CpuTicks)? ReadStat(int pid)
    {
        try
        {
            return ParseStat(File.ReadAllText($"/proc/{pid}/stat"));
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static Dictionary<int, List<int>> ChildMap()
    {
        var map = new Dictionary<int, List<int>>();
        if (!Directory.Exists("/proc"))
        {
            return map;
        }

        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            if (ReadStat(pid) is { } stat)
            {
                if (!map.TryGetValue(stat.ParentPid, out var list))
                {
                    map[stat.ParentPid] = list = [];
                }

                list.Add(pid);
            }
        }

        return map;
    }
}

/// <summary>Samples CPU seconds of the server and of other processes at the start and the end of the measurement.</summary>
internal sealed class CpuMeter(int? serverPid, IReadOnlyList<int> otherPids)
{
    private double? _serverStart;
    private double? _otherStart;
    private double _selfStart;

    public bool Enabled => serverPid is not null || otherPids.Count > 0;

    /// <summary>CPU seconds this load generator used between <see cref="Start"/> and <see cref="Stop"/>.</summary>
    public double SelfSeconds { get; private set; }

    public void Start()
    {
        _selfStart = SelfCpuSeconds();
        _serverStart = serverPid is { } p ? ProcessCpu.ReadTreeSeconds(p) : null;
        _otherStart = ReadOthers();
    }

    /// <summary>CPU seconds used since <see cref="Start"/>: (server, others); null parts were not measured.</summary>
    public (double? Server, double? Others) Stop()
    {
        double? server = serverPid is { } p && _serverStart is { } s0 && ProcessCpu.ReadTreeSeconds(p) is { } s1 ? s1 - s0 : null;
        double? others = _otherStart is { } o0 && ReadOthers() is { } o1 ? o1 - o0 : null;
        SelfSeconds = SelfCpuSeconds() - _selfStart;
        return (server, others);
    }

    private static double SelfCpuSeconds()
    {
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        return self.TotalProcessorTime.TotalSeconds;
    }

    private double? ReadOthers()
    {
        if (otherPids.Count == 0)
        {
            return null;
        }

        double total = 0;
        foreach (var pid in otherPids)
        {
            total += ProcessCpu.ReadTreeSeconds(pid) ?? 0;
        }

        return total;
    }
}
