using System.Buffers;
using System.IO.Pipelines;

namespace Expothesis.Fast.Bench.Parser;

/// <summary>A resettable <see cref="PipeReader"/> over a fixed <see cref="ReadOnlySequence{T}"/> (no copying, no allocation).</summary>
internal sealed class SequencePipeReader : PipeReader
{
    private ReadOnlySequence<byte> _sequence;
    private ReadOnlySequence<byte> _rest;

    public void Reset(ReadOnlySequence<byte> sequence)
    {
        _sequence = sequence;
        _rest = sequence;
    }

    public override bool TryRead(out ReadResult result)
    {
        result = new ReadResult(_rest, isCanceled: false, isCompleted: true);
        return true;
    }

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default) =>
        new(new ReadResult(_rest, isCanceled: false, isCompleted: true));

    public override void AdvanceTo(SequencePosition consumed) => _rest = _rest.Slice(consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => _rest = _rest.Slice(consumed);

    public override void CancelPendingRead()
    {
    }

    public override void Complete(Exception? exception = null) => _rest = _sequence.Slice(_sequence.End);
}

/// <summary>A linked segment for building multi-segment sequences.</summary>
internal sealed class ChunkSegment : ReadOnlySequenceSegment<byte>
{
    public ChunkSegment(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    public static ReadOnlySequence<byte> Split(byte[] data, int segmentSize)
    {
        ChunkSegment first = new(data.AsMemory(0, Math.Min(segmentSize, data.Length)), 0);
        ChunkSegment last = first;
        for (int at = segmentSize; at < data.Length; at += segmentSize)
        {
            var next = new ChunkSegment(data.AsMemory(at, Math.Min(segmentSize, data.Length - at)), at);
            last.Next = next;
            last = next;
        }
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private new ReadOnlySequenceSegment<byte>? Next
    {
        set => base.Next = value;
    }
}
