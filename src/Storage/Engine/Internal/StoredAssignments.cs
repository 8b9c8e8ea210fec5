using System.Collections.Concurrent;

namespace Expothesis.Fast.Storage.Engine.Internal;

/// <summary>
/// Read-your-writes mirror of stored (sticky, bandit) assignments: first write wins. FASTER holds the same
/// assignment in the unit's exposure slot; the mirror is what the assignment path reads without a session,
/// and it is saved with each checkpoint and rebuilt by replaying the log's stored-assignment records.
/// </summary>
internal sealed class StoredAssignments
{
    private ConcurrentDictionary<(int Experiment, ulong Unit), short> _map = new();

    public int Count => _map.Count;

    public bool TryGet(int experiment, ulong unitHash, out int variant)
    {
        if (_map.TryGetValue((experiment, unitHash), out short v))
        {
            variant = v;
            return true;
        }
        variant = -1;
        return false;
    }

    public bool TryAdd(int experiment, ulong unitHash, int variant) => _map.TryAdd((experiment, unitHash), (short)variant);

    public IEnumerable<KeyValuePair<(int Experiment, ulong Unit), short>> Entries => _map;

    public void Clear() => _map = new();

    public void ReplaceWith(StoredAssignments other) => _map = other._map;
}
