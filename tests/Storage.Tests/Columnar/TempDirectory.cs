namespace Expothesis.Fast.Storage.Tests.Columnar;

internal sealed class TempDirectory : IDisposable
{
    public TempDirectory() =>
        Path = Directory.CreateDirectory(System.IO.Path.Combine(System.IO.Path.GetTempPath(), "xlog-" + Guid.NewGuid().ToString("N"))).FullName;

    public string Path { get; }

    public string[] Segments() => [.. Directory.GetFiles(Path, "seg-*.xlog").Order(StringComparer.Ordinal)];

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
