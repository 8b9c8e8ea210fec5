using System.Globalization;
using Expothesis.Fast.Query.Export;
using Expothesis.Fast.Storage.Catalog;

namespace Expothesis.Fast.Gateway.Ingest;

/// <summary>Names of the ordinals stored in the log, from one catalog snapshot (for the event export).</summary>
public sealed class CatalogExportNames : IExportNames
{
    private readonly CatalogSnapshot _snapshot;

    /// <summary>Reads names from <paramref name="snapshot"/>.</summary>
    public CatalogExportNames(CatalogSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        _snapshot = snapshot;
    }

    /// <inheritdoc/>
    public string ExperimentKey(int experiment) =>
        (uint)experiment < (uint)_snapshot.Experiments.Count ? _snapshot.Get(experiment).Key : experiment.ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc/>
    public string? MetricName(int experiment, int metric)
    {
        if ((uint)experiment >= (uint)_snapshot.Experiments.Count)
        {
            return null;
        }
        var metrics = _snapshot.Get(experiment).Definition.Metrics;
        return (uint)metric < (uint)metrics.Count ? metrics[metric].Name : null;
    }

    /// <inheritdoc/>
    public string? VariantKey(int experiment, int variant)
    {
        if ((uint)experiment >= (uint)_snapshot.Experiments.Count)
        {
            return null;
        }
        var keys = _snapshot.Get(experiment).VariantKeys;
        return (uint)variant < (uint)keys.Count ? keys[variant] : null;
    }
}
