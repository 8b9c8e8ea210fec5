using System.Globalization;
using Expothesis.Fast.Storage.Catalog;

namespace Expothesis.Fast.Query.Export;

/// <summary>
/// <see cref="IExportNames"/> over one catalog snapshot. An ordinal the snapshot does not know (an
/// experiment created after it, a metric removed since) gives the experiment ordinal as text, or null.
/// </summary>
public sealed class CatalogExportNames : IExportNames
{
    private readonly CatalogSnapshot _snapshot;

    /// <summary>Names from <paramref name="snapshot"/>.</summary>
    public CatalogExportNames(CatalogSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        _snapshot = snapshot;
    }

    /// <inheritdoc />
    public string ExperimentKey(int experiment) =>
        (uint)experiment < (uint)_snapshot.Experiments.Count
            ? _snapshot.Experiments[experiment].Key
            : experiment.ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public string? MetricName(int experiment, int metric)
    {
        if ((uint)experiment >= (uint)_snapshot.Experiments.Count)
        {
            return null;
        }
        var metrics = _snapshot.Experiments[experiment].Definition.Metrics;
        return (uint)metric < (uint)metrics.Count ? metrics[metric].Name : null;
    }

    /// <inheritdoc />
    public string? VariantKey(int experiment, int variant)
    {
        if ((uint)experiment >= (uint)_snapshot.Experiments.Count)
        {
            return null;
        }
        var variants = _snapshot.Experiments[experiment].Definition.Variants;
        return (uint)variant < (uint)variants.Count ? variants[variant].Key : null;
    }
}
