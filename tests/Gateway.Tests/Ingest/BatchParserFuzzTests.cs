using System.Text;
using Expothesis.Fast.Gateway.Ingest;
using Xunit.Abstractions;

namespace Expothesis.Fast.Gateway.Tests.Ingest;

public sealed class BatchParserFuzzTests(ITestOutputHelper output)
{
    private static readonly byte[] s_alphabet = "{}[]\":,\\ \n0123456789.eE-+tfnulrsaxyzü\u0000\t"u8.ToArray();

    [Theory]
    [InlineData(nameof(Payloads.MixedObject), 20261201)]
    [InlineData(nameof(Payloads.Ndjson), 424242)]
    [InlineData(nameof(Payloads.BareArray), 7)]
    public void Mutated_batches_only_ever_give_a_defined_outcome_whatever_the_segmentation(string name, int seed)
    {
        output.WriteLine($"seed {seed}");
        var (text, format) = Payloads.Get(name);
        byte[] original = Encoding.UTF8.GetBytes(text);
        var random = new Random(seed);
        var statuses = new Dictionary<ParseStatus, int>();
        for (int iteration = 0; iteration < 600; iteration++)
        {
            byte[] body = Mutate(original, random);
            string context = $"seed {seed}, iteration {iteration}, body: {Encoding.UTF8.GetString(body)}";
            ParseResult whole;
            try
            {
                whole = ParseHarness.Parse(body, [], format, interleave: false);
            }
            catch (Exception ex)
            {
                Assert.Fail($"{context}\nthrew {ex}");
                return;
            }
            statuses[whole.Outcome.Status] = statuses.GetValueOrDefault(whole.Outcome.Status) + 1;
            Assert.True(Enum.IsDefined(whole.Outcome.Status), context);
            if (whole.Outcome.Status == ParseStatus.Ok)
            {
                Assert.True(whole.Records.Count + whole.Rejected == whole.Outcome.EventCount, context);
                Assert.Equal(200, whole.Outcome.HttpStatusCode);
            }
            else
            {
                Assert.True(whole.Records.Count == 0 && whole.Rejected == 0, context);
                Assert.True(whole.Outcome.ErrorOffset <= body.Length, context);
            }
            int[] cuts = RandomCuts(body.Length, random);
            string split = ParseHarness.Parse(body, cuts, format, interleave: random.Next(2) == 0).Dump();
            Assert.True(whole.Dump() == split, $"{context}\ncuts {string.Join(",", cuts)}\n{split}\nexpected\n{whole.Dump()}");
        }
        output.WriteLine(string.Join(", ", statuses.Select(kv => $"{kv.Key}={kv.Value}")));
        Assert.True(statuses.GetValueOrDefault(ParseStatus.Ok) > 0 && statuses.GetValueOrDefault(ParseStatus.SyntaxError) > 0);
    }

    private static byte[] Mutate(byte[] original, Random random)
    {
        var body = new List<byte>(original);
        int mutations = random.Next(1, 4);
        for (int m = 0; m < mutations && body.Count > 1; m++)
        {
            int at = random.Next(body.Count);
            switch (random.Next(5))
            {
                case 0:
                    body[at] = s_alphabet[random.Next(s_alphabet.Length)];
                    break;
                case 1:
                    body.RemoveAt(at);
                    break;
                case 2:
                    body.Insert(at, s_alphabet[random.Next(s_alphabet.Length)]);
                    break;
                case 3:
                    int length = Math.Min(random.Next(1, 40), body.Count - at);
                    body.InsertRange(random.Next(body.Count), body.GetRange(at, length));
                    break;
                default:
                    body.RemoveRange(at, body.Count - at);
                    break;
            }
        }
        return body.ToArray();
    }

    private static int[] RandomCuts(int length, Random random)
    {
        if (length < 2)
        {
            return [];
        }
        return Enumerable.Range(0, random.Next(1, 8)).Select(_ => random.Next(1, length)).Distinct().Order().ToArray();
    }
}
