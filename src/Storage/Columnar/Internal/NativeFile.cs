using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Expothesis.Fast.Storage.Columnar.Internal;

/// <summary>fdatasync of a file and fsync of a directory entry, through libc (Linux).</summary>
internal static partial class NativeFile
{
    private const string Libc = "libc.so.6";
    private const int ReadOnly = 0;

    /// <summary>Flushes the file's data (and the metadata needed to read it) to the device.</summary>
    public static void DataSync(SafeFileHandle handle)
    {
        bool added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            if (fdatasync((int)handle.DangerousGetHandle()) != 0)
            {
                throw new IOException("fdatasync failed: errno " + Marshal.GetLastPInvokeError());
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>Makes the directory's entries (a new segment file) durable. Best effort where unsupported.</summary>
    public static void SyncDirectory(string path)
    {
        int fd = open(path, ReadOnly);
        if (fd < 0)
        {
            return;
        }
        try
        {
            if (fsync(fd) != 0)
            {
                throw new IOException("fsync of directory failed: errno " + Marshal.GetLastPInvokeError());
            }
        }
        finally
        {
            _ = close(fd);
        }
    }

    [LibraryImport(Libc, SetLastError = true)]
    private static partial int fdatasync(int fd);

    [LibraryImport(Libc, SetLastError = true)]
    private static partial int fsync(int fd);

    [LibraryImport(Libc, StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int open(string path, int flags);

    [LibraryImport(Libc, SetLastError = true)]
    private static partial int close(int fd);
}
