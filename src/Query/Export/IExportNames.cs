namespace Expothesis.Fast.Query.Export;

/// <summary>Turns the ordinals stored in the log back into the catalog's names (the lead adapts the catalog).</summary>
public interface IExportNames
{
    /// <summary>The experiment's key.</summary>
    string ExperimentKey(int experiment);

    /// <summary>The metric's name, or null when the experiment has no such metric (any more).</summary>
    string? MetricName(int experiment, int metric);

    /// <summary>The variant's key, or null when unknown.</summary>
    string? VariantKey(int experiment, int variant);
}

/// <summary>Export formats of <c>GET /experiments/{experiment}/events</c>.</summary>
public enum ExportFormat
{
    /// <summary>One JSON object per line (<c>application/x-ndjson</c>).</summary>
    Ndjson,
    /// <summary>RFC 4180 CSV with a header row (<c>text/csv</c>).</summary>
    Csv,
}
