namespace Expothesis.Fast.Query.Tests;

public class ProjectSmokeTests
{
    [Fact]
    public void Query_assembly_loads() =>
        Assert.Equal("Expothesis.Fast.Query", typeof(Expothesis.Fast.Query.ExpothesisEngine).Assembly.GetName().Name);
}
