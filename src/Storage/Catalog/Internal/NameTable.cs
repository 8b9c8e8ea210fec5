using System.Runtime.CompilerServices;
using System.Text;
using Expothesis.Fast.Assignment;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Storage.Catalog.Internal;

/// <summary>
/// An immutable name → index map that answers UTF-8 and UTF-16 look-ups without allocating. UTF-8 look-ups
/// (the ingest path) go through an open-addressed table of the names' UTF-8 bytes keyed by XXH64, so a
/// look-up is one hash of the input, usually one slot and one vectorized byte compare: no transcoding.
/// </summary>
internal sealed class NameTable
{
    private const ulong Seed = 0x6E61_6D65_7461_626CUL;

    private readonly Dictionary<string, int> _map;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly Entry[] _entries;
    private readonly int[] _slots;
    private readonly int _mask;

    private readonly struct Entry(byte[] utf8, ulong hash, int index)
    {
        public readonly byte[] Utf8 = utf8;
        public readonly ulong Hash = hash;
        public readonly int Index = index;
    }

    public NameTable(Dictionary<string, int> map)
    {
        _map = map;
        _lookup = map.GetAlternateLookup<ReadOnlySpan<char>>();
        _entries = new Entry[map.Count];
        int capacity = 4;
        while (capacity < map.Count * 2)
        {
            capacity <<= 1;
        }
        _slots = new int[capacity];
        _mask = capacity - 1;
        int n = 0;
        foreach (var (name, index) in map)
        {
            byte[] utf8 = Encoding.UTF8.GetBytes(name);
            ulong hash = UnitHash.XxHash64(utf8, Seed);
            _entries[n] = new Entry(utf8, hash, index);
            int slot = (int)hash & _mask;
            while (_slots[slot] != 0)
            {
                slot = (slot + 1) & _mask;
            }
            _slots[slot] = ++n;
        }
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Find(ReadOnlySpan<byte> utf8)
    {
        ulong hash = UnitHash.XxHash64(utf8, Seed);
        var slots = _slots;
        var entries = _entries;
        int slot = (int)hash & _mask;
        while (true)
        {
            int e = slots[slot];
            if (e == 0)
            {
                return -1;
            }
            ref readonly var entry = ref entries[e - 1];
            if (entry.Hash == hash && utf8.SequenceEqual(entry.Utf8))
            {
                return entry.Index;
            }
            slot = (slot + 1) & _mask;
        }
    }
}
