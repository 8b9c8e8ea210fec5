using Expothesis.Fast.Storage.Catalog;

namespace Expothesis.Fast.Storage.Tests.Catalog;

internal static class CatalogSpecs
{
    public static ExperimentSpec Valid(string key = "checkout-button") => new()
    {
        Key = key,
        Name = "Checkout button colour",
        Hypothesis = new HypothesisSpec { Mde = 0.02, Alpha = 0.05, Power = 0.8 },
        Variants =
        [
            new VariantSpec { Key = "control", Name = "Blue", Weight = 1, IsControl = true },
            new VariantSpec { Key = "green", Name = "Green", Weight = 3 },
        ],
        Metrics =
        [
            new MetricSpec { Name = "purchase", Kind = "binary", Role = "primary", Direction = "increase" },
            new MetricSpec { Name = "revenue", Kind = "sum", Role = "secondary" },
        ],
    };

    public static string TempDirectory()
    {
        string dir = Path.Combine(Path.GetTempPath(), "expothesis-catalog-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
