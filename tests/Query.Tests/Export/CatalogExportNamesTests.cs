using Expothesis.Fast.Query.Export;
using Expothesis.Fast.Storage.Catalog;

namespace Expothesis.Fast.Query.Tests.Export;

public sealed class CatalogExportNamesTests
{
    [Fact]
    public async Task Catalog_names_resolve_ordinals_and_unknown_ordinals_give_null_or_the_number()
    {
        using var catalog = ExperimentCatalog.CreateInMemory();
        var experiment = await catalog.CreateAsync(new ExperimentSpec
        {
            Key = "checkout-button",
            Name = "Checkout",
            Hypothesis = new HypothesisSpec { Mde = 0.02, Alpha = 0.05, Power = 0.8 },
            Variants =
            [
                new VariantSpec { Key = "control", Name = "Blue", Weight = 1, IsControl = true },
                new VariantSpec { Key = "green", Name = "Green", Weight = 1 },
            ],
            Metrics = [new MetricSpec { Name = "purchase", Kind = "binary", Role = "primary", Direction = "increase" }],
        });
        var names = new CatalogExportNames(catalog.Current);
        Assert.Equal("checkout-button", names.ExperimentKey(experiment.Ordinal));
        Assert.Equal("purchase", names.MetricName(experiment.Ordinal, 0));
        Assert.Equal("green", names.VariantKey(experiment.Ordinal, 1));
        Assert.Null(names.MetricName(experiment.Ordinal, 5));
        Assert.Null(names.VariantKey(experiment.Ordinal, -1));
        Assert.Equal("7", names.ExperimentKey(7));
        Assert.Null(names.MetricName(7, 0));
    }
}
