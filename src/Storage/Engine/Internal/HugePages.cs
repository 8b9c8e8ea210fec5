using System.Runtime.InteropServices;

namespace Expothesis.Fast.Storage.Engine.Internal;

/// <summary>Transparent huge pages for large, randomly accessed memory (Linux only; a no-op elsewhere).</summary>
internal static partial class HugePages
{
    private const int MadvHugePage = 14;
    private const int MadvCollapse = 25;
    private const long HugePageBytes = 2L << 20;

    /// <summary>
    /// Advises the 2 MiB-aligned part of [<paramref name="address"/>, +<paramref name="bytes"/>) to use huge pages
    /// and asks the kernel (6.1+) to collapse what is already mapped. Returns the bytes advised, 0 when none.
    /// </summary>
    public static long Advise(long address, long bytes)
    {
        if (!OperatingSystem.IsLinux() || address == 0 || bytes <= 0)
        {
            return 0;
        }
        long start = (address + HugePageBytes - 1) & ~(HugePageBytes - 1);
        long end = (address + bytes) & ~(HugePageBytes - 1);
        if (end <= start)
        {
            return 0;
        }
        try
        {
            if (Madvise((nint)start, (nuint)(end - start), MadvHugePage) != 0)
            {
                return 0;
            }
            // Synchronous collapse of pages already faulted in; older kernels answer EINVAL, which is fine.
            _ = Madvise((nint)start, (nuint)(end - start), MadvCollapse);
            return end - start;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return 0;
        }
    }

    [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
    private static partial int Madvise(nint address, nuint length, int advice);
}
