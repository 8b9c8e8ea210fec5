using Xunit.Abstractions;
namespace Expothesis.Fast.Stats.Tests;
public sealed class TmpDbg(ITestOutputHelper o)
{
    [Fact]
    public void Dbg()
    {
        o.WriteLine($"g05 {MathNet.Numerics.SpecialFunctions.GammaLn(0.5) - 0.5723649429247001:E3}");
        o.WriteLine($"g15 {MathNet.Numerics.SpecialFunctions.GammaLn(1.5) - (-0.1207822376352452):E3}");
        o.WriteLine($"g2 {MathNet.Numerics.SpecialFunctions.GammaLn(2):E3}");
        o.WriteLine($"g5 {MathNet.Numerics.SpecialFunctions.GammaLn(5) - Math.Log(24):E3}");
        o.WriteLine($"g55 {MathNet.Numerics.SpecialFunctions.GammaLn(5.5) - 3.957813967618716:E3}");
    }
}
