namespace Expothesis.Fast.Query;

/// <summary>Marker for the Query assembly: turns aggregator snapshots into analysis results, time series and exports.</summary>
public static class QueryAssembly;
