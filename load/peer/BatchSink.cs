using System.Buffers;
using System.IO.Pipelines;

namespace Expothesis.Fast.Peer;

/// <summary>Counts the events of a batch body by the occurrences of <c>"user_id"</c>, without parsing.</summary>
public static class BatchSink
{
    private static ReadOnlySpan<byte> Marker => "\"user_id\""u8;

    public static async Task<int> CountEventsAsync(PipeReader reader, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var count = 0;
        while (true)
        {
            var result = await reader.ReadAsync(ct);
            var buffer = result.Buffer;
            var consumed = Count(buffer, ref count, result.IsCompleted);
            reader.AdvanceTo(consumed, buffer.End);
            if (result.IsCompleted)
            {
                await reader.CompleteAsync();
                return count;
            }
        }
    }

    private static SequencePosition Count(ReadOnlySequence<byte> buffer, ref int count, bool final)
    {
        var sequenceReader = new SequenceReader<byte>(buffer);
        while (sequenceReader.TryAdvanceTo((byte)'"', advancePastDelimiter: false))
        {
            if (sequenceReader.Remaining < Marker.Length && !final)
            {
                return sequenceReader.Position;
            }

            if (sequenceReader.IsNext(Marker, advancePast: true))
            {
                count++;
            }
            else
            {
                sequenceReader.Advance(1);
            }
        }

        return buffer.End;
    }
}
