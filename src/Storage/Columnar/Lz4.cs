using System.Runtime.InteropServices;

namespace Expothesis.Fast.Storage.Columnar;

/// <summary>
/// LZ4 block compression through the reference C library (<c>liblz4.so.1</c>, Debian package
/// <c>liblz4-1</c>). Only the raw block format: the caller stores the sizes.
/// </summary>
public static partial class Lz4
{
    private const string Library = "liblz4.so.1";

    /// <summary>The largest compressed size of <paramref name="inputSize"/> bytes (0 when too large for LZ4).</summary>
    public static int CompressBound(int inputSize) => LZ4_compressBound(inputSize);

    /// <summary>
    /// Compresses <paramref name="source"/> into <paramref name="destination"/>. Returns the compressed
    /// size, or 0 when it does not fit in <paramref name="destination"/> (give it
    /// <see cref="CompressBound"/> bytes to guarantee success).
    /// </summary>
    public static unsafe int Compress(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        if (source.IsEmpty || destination.IsEmpty)
        {
            return 0;
        }
        fixed (byte* src = source)
        fixed (byte* dst = destination)
        {
            int n = LZ4_compress_default(src, dst, source.Length, destination.Length);
            return n > 0 ? n : 0;
        }
    }

    /// <summary>
    /// Decompresses <paramref name="source"/> into <paramref name="destination"/>. Returns the number of
    /// bytes written, or -1 when the input is malformed or does not fit (never reads or writes out of bounds).
    /// </summary>
    public static unsafe int Decompress(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        if (source.IsEmpty)
        {
            return -1;
        }
        fixed (byte* src = source)
        fixed (byte* dst = destination)
        {
            int n = LZ4_decompress_safe(src, dst, source.Length, destination.Length);
            return n >= 0 ? n : -1;
        }
    }

    [LibraryImport(Library)]
    private static partial int LZ4_compressBound(int inputSize);

    [LibraryImport(Library)]
    private static unsafe partial int LZ4_compress_default(byte* src, byte* dst, int srcSize, int dstCapacity);

    [LibraryImport(Library)]
    private static unsafe partial int LZ4_decompress_safe(byte* src, byte* dst, int compressedSize, int dstCapacity);
}
