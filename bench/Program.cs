using BenchmarkDotNet.Running;

namespace Expothesis.Fast.Bench;

internal static class BenchProgram
{
    private static void Main(string[] args) =>
        BenchmarkSwitcher.FromAssembly(typeof(BenchProgram).Assembly).Run(args);
}
