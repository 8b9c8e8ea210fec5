using BenchmarkDotNet.Attributes;
using Expothesis.Fast.Storage.Columnar;

namespace Expothesis.Fast.Bench.Lz4Codec;

/// <summary>liblz4 through LibraryImport on column-sized inputs (a 500-event varint column and 64 KiB of id text).</summary>
[MemoryDiagnoser]
public class Lz4Benchmarks
{
    private byte[] _input = [];
    private byte[] _compressed = [];
    private byte[] _output = [];
    private int _compressedLength;

    [Params(500, 65_536)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        var text = new System.Text.StringBuilder();
        while (text.Length < Size)
        {
            text.Append("user-").Append(rng.Next(300_000));
        }
        _input = Size <= 500
            ? [.. Enumerable.Range(0, Size).Select(_ => (byte)(rng.Next(4) == 0 ? 2 : rng.Next(2)))]
            : System.Text.Encoding.ASCII.GetBytes(text.ToString(0, Size));
        _compressed = new byte[Lz4.CompressBound(Size)];
        _output = new byte[Size];
        _compressedLength = Compress();
        Console.WriteLine($"// LZ4 {Size} -> {_compressedLength} bytes");
    }

    [Benchmark]
    public int Compress() => Lz4.Compress(_input, _compressed);

    [Benchmark]
    public int Decompress() => Lz4.Decompress(_compressed.AsSpan(0, _compressedLength), _output);
}
