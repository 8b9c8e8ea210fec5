using System.Buffers;
using System.Text.Unicode;

namespace Expothesis.Fast.Storage.Catalog.Internal;

/// <summary>
/// An immutable name → index map that answers UTF-8 and UTF-16 look-ups without allocating: UTF-8 input is
/// transcoded into a stack buffer and looked up through the dictionary's span-keyed alternate lookup.
/// </summary>
internal sealed class NameTable
{
    /// <summary>Longest name (in UTF-16 code units) a look-up can match.</summary>
    public const int MaxNameChars = 128;

    private readonly Dictionary<string, int> _map;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public NameTable(Dictionary<string, int> map)
    {
        _map = map;
        _lookup = map.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public static NameTable Create(IReadOnlyList<string> names)
    {
        var map = new Dictionary<string, int>(names.Count, StringComparer.Ordinal);
        for (int i = 0; i < names.Count; i++)
        {
            map[names[i]] = i;
        }
        return new NameTable(map);
    }

    public int Count => _map.Count;

    public int Find(ReadOnlySpan<char> name) => _lookup.TryGetValue(name, out int index) ? index : -1;

    public int Find(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxNameChars * 3)
        {
            return -1;
        }
        Span<char> chars = stackalloc char[MaxNameChars];
        var status = Utf8.ToUtf16(utf8, chars, out _, out int written, replaceInvalidSequences: false);
        return status == OperationStatus.Done ? Find(chars[..written]) : -1;
    }
}
