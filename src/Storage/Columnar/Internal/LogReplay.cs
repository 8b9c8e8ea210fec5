using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Storage.Columnar.Internal;

/// <summary>Decodes every block of a source and hands it to a callback (the replay of both logs).</summary>
internal static class LogReplay
{
    public static void Run(BlockSource source, Action<EventBatch, long> onBlock)
    {
        ArgumentNullException.ThrowIfNull(onBlock);
        using var decoder = new BlockDecoder();
        using var batch = new EventBatch(1024, 16 * 1024);
        while (source.TryReadBlock(out var block, out long start))
        {
            try
            {
                decoder.Decode(block, batch);
            }
            catch (InvalidDataException e)
            {
                throw new ColumnLogCorruptionException(start, e.Message, e);
            }
            onBlock(batch, start + block.Length);
        }
    }
}
