using System.Runtime.InteropServices;
using System.Text.Json;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Storage.Catalog.Internal;

/// <summary>The contents of <c>catalog.json</c>.</summary>
internal sealed record CatalogFile
{
    public int Format { get; init; } = 1;

    public long Version { get; init; }

    public IReadOnlyList<ExperimentRecord> Experiments { get; init; } = [];
}

/// <summary>
/// The catalog's files in its directory: <c>catalog.json</c>, replaced atomically on every change (write a
/// temporary file, fsync, rename, fsync the directory), and <c>history.jsonl</c>, the append-only audit
/// trail. A change appends its audit line first and then replaces the catalog file; on open, audit lines
/// beyond the catalog file's version (a crash between the two) and a torn last line are cut off.
/// </summary>
internal sealed partial class CatalogStore : IDisposable
{
    private const string CatalogFileName = "catalog.json";
    private const string HistoryFileName = "history.jsonl";
    private const string TempSuffix = ".tmp";

    private readonly string _directory;
    private readonly string _catalogPath;
    private readonly Durability _durability;
    private FileStream? _history;

    public CatalogStore(string directory, Durability durability)
    {
        _directory = Path.GetFullPath(directory);
        _catalogPath = Path.Combine(_directory, CatalogFileName);
        _durability = durability;
    }

    /// <summary>Test seam: runs after the new catalog file is durable under its temporary name, before the rename.</summary>
    internal Action? BeforeRename { get; set; }

    public (CatalogFile Catalog, List<AuditEntry> History) Load()
    {
        Directory.CreateDirectory(_directory);
        string temp = _catalogPath + TempSuffix;
        if (File.Exists(temp))
        {
            File.Delete(temp);
        }
        CatalogFile catalog = new();
        if (File.Exists(_catalogPath))
        {
            byte[] bytes = File.ReadAllBytes(_catalogPath);
            catalog = JsonSerializer.Deserialize<CatalogFile>(bytes, CatalogJson.Options)
                ?? throw new InvalidDataException($"{_catalogPath} is empty.");
        }

        string historyPath = Path.Combine(_directory, HistoryFileName);
        var history = new List<AuditEntry>();
        _history = new FileStream(historyPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        byte[] all = new byte[_history.Length];
        _history.ReadExactly(all);
        long good = 0;
        var span = all.AsSpan();
        while (good < all.Length)
        {
            int newline = span[(int)good..].IndexOf((byte)'\n');
            if (newline < 0)
            {
                break;
            }
            AuditEntry? entry;
            try
            {
                entry = JsonSerializer.Deserialize<AuditEntry>(span.Slice((int)good, newline), CatalogJson.Options);
            }
            catch (JsonException)
            {
                break;
            }
            if (entry is null || entry.CatalogVersion > catalog.Version)
            {
                break;
            }
            history.Add(entry);
            good += newline + 1;
        }
        if (good != all.Length)
        {
            _history.SetLength(good);
            Sync(_history);
        }
        _history.Position = good;
        return (catalog, history);
    }

    /// <summary>Appends an audit line; returns the length before, for <see cref="TruncateHistory"/>.</summary>
    public long AppendHistory(AuditEntry entry)
    {
        var history = _history ?? throw new InvalidOperationException("The store is not loaded.");
        long before = history.Length;
        byte[] line = JsonSerializer.SerializeToUtf8Bytes(entry, CatalogJson.Options);
        history.Write(line);
        history.WriteByte((byte)'\n');
        Sync(history);
        return before;
    }

    /// <summary>Undoes an <see cref="AppendHistory"/> whose catalog write failed.</summary>
    public void TruncateHistory(long length)
    {
        var history = _history ?? throw new InvalidOperationException("The store is not loaded.");
        history.SetLength(length);
        history.Position = length;
        Sync(history);
    }

    public void WriteCatalog(CatalogFile catalog)
    {
        byte[] bytes = JsonSerializer.SerializeToUtf8Bytes(catalog, CatalogJson.Options);
        string temp = _catalogPath + TempSuffix;
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1))
        {
            stream.Write(bytes);
            Sync(stream);
        }
        BeforeRename?.Invoke();
        File.Move(temp, _catalogPath, overwrite: true);
        if (_durability == Durability.Fsync)
        {
            SyncDirectory(_directory);
        }
    }

    public void Dispose()
    {
        _history?.Dispose();
        _history = null;
    }

    private void Sync(FileStream stream) => stream.Flush(flushToDisk: _durability == Durability.Fsync);

    private static void SyncDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        int fd = Native.Open(directory, 0 /* O_RDONLY */);
        if (fd < 0)
        {
            throw new IOException($"Cannot open {directory} to fsync it (errno {Marshal.GetLastPInvokeError()}).");
        }
        try
        {
            if (Native.Fsync(fd) != 0)
            {
                throw new IOException($"fsync of {directory} failed (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Native.Close(fd);
        }
    }

    private static partial class Native
    {
        [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial int Open(string path, int flags);

        [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
        internal static partial int Fsync(int fd);

        [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
        internal static partial int Close(int fd);
    }
}
