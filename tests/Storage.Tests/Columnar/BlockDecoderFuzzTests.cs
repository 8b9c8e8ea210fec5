using System.Buffers.Binary;
using Expothesis.Fast.Storage.Columnar.Internal;
using Expothesis.Fast.Storage.Ingest;
using Xunit.Abstractions;

namespace Expothesis.Fast.Storage.Tests.Columnar;

public sealed class BlockDecoderFuzzTests(ITestOutputHelper output)
{
    private static byte[] EncodeRandomBlock(Random rng)
    {
        using var encoder = new BlockEncoder();
        using var batch = new EventBatch();
        long clock = rng.NextInt64(0, 1L << 42);
        EventFactory.FillRandom(batch, rng, rng.Next(1, 200), ref clock);
        encoder.Add(batch);
        byte[] buffer = [];
        int length = encoder.Encode(ref buffer);
        return buffer.AsSpan(0, length).ToArray();
    }

    [Theory]
    [InlineData(101, false)]
    [InlineData(102, true)]
    public void Random_mutations_never_crash_the_decoder_and_are_detected_or_decoded(int seed, bool fixCrc)
    {
        output.WriteLine($"seed {seed}, CRC recomputed after mutation: {fixCrc}");
        var rng = new Random(seed);
        using var decoder = new BlockDecoder();
        using var batch = new EventBatch();
        int detected = 0, decoded = 0;
        for (int round = 0; round < 300; round++)
        {
            var block = EncodeRandomBlock(rng);
            decoder.Decode(block, batch);
            var original = StoredEvent.FromBatch(batch);
            for (int m = 0; m < 20; m++)
            {
                var mutated = (byte[])block.Clone();
                int flips = rng.Next(1, 4);
                for (int f = 0; f < flips; f++)
                {
                    int at = rng.Next(3) == 0 ? rng.Next(Math.Min(mutated.Length, BlockFormat.HeaderSize)) : rng.Next(mutated.Length);
                    mutated[at] ^= (byte)rng.Next(1, 256);
                }
                if (rng.Next(8) == 0)
                {
                    mutated = mutated.AsSpan(0, rng.Next(mutated.Length)).ToArray();
                }
                if (fixCrc && mutated.Length >= BlockFormat.HeaderSize)
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(mutated.AsSpan(BlockFormat.CrcOffset), BlockFormat.ComputeCrc(mutated));
                }
                try
                {
                    decoder.Decode(mutated, batch);
                    decoded++;
                    Assert.True(fixCrc, "a mutation passed the CRC");
                    Assert.Equal(batch.Count, StoredEvent.FromBatch(batch).Count);
                }
                catch (InvalidDataException)
                {
                    detected++;
                }
            }
            decoder.Decode(block, batch);
            Assert.Equal(original, StoredEvent.FromBatch(batch));
        }
        output.WriteLine($"detected {detected}, decoded {decoded}");
        Assert.True(detected > 0);
    }
}
