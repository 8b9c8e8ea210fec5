namespace Expothesis.Fast.Gateway.Ingest.Internal;

/// <summary>One remembered name → ordinal resolution (within a scope, such as the experiment of a metric).</summary>
internal sealed class ResolvedName(int capacity)
{
    private readonly byte[] _bytes = new byte[capacity];
    private int _length = -1;
    private int _scope;
    private int _ordinal;

    /// <summary>The remembered name's bytes (empty when none).</summary>
    public ReadOnlySpan<byte> Bytes => _length < 0 ? default : _bytes.AsSpan(0, _length);

    /// <summary>Whether <paramref name="name"/> is the remembered name (in whatever scope).</summary>
    public bool Matches(ReadOnlySpan<byte> name) => name.Length == _length && name.SequenceEqual(_bytes.AsSpan(0, _length));

    /// <summary>The ordinal remembered for <paramref name="name"/> in <paramref name="scope"/>, if it is the last one resolved.</summary>
    public bool TryGet(ReadOnlySpan<byte> name, int scope, out int ordinal)
    {
        ordinal = _ordinal;
        return name.Length == _length && scope == _scope && name.SequenceEqual(_bytes.AsSpan(0, _length));
    }

    /// <summary>Remembers a resolution (names longer than the capacity are not remembered).</summary>
    public void Set(ReadOnlySpan<byte> name, int scope, int ordinal)
    {
        if (name.Length > _bytes.Length)
        {
            _length = -1;
            return;
        }
        name.CopyTo(_bytes);
        _length = name.Length;
        _scope = scope;
        _ordinal = ordinal;
    }

    /// <summary>Forgets the remembered resolution (a new body may come with a new schema).</summary>
    public void Clear() => _length = -1;
}
