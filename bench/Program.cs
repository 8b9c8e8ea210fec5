using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Expothesis.Fast.Bench;

internal static class BenchProgram
{
    // In-process toolchain by default: BenchmarkDotNet's generated out-of-process project does not
    // inherit the FASTER pin (shared/DEPENDENCIES.md) and fails restore with NU1109.
    private static void Main(string[] args) =>
        BenchmarkSwitcher.FromAssembly(typeof(BenchProgram).Assembly)
            .Run(args, DefaultConfig.Instance.AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).AsDefault()));
}
