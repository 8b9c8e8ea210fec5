using System.Text.Json;
using Expothesis.Fast.Query.Analysis;
using Expothesis.Fast.Stats;
using Expothesis.Fast.Storage.Catalog;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Query.Tests.Analysis;

public sealed class SampleSizeAndTimeseriesTests
{
    [Fact]
    public void The_api_example_needs_3835_units_per_variant()
    {
        var request = JsonSerializer.Deserialize(
            """{ "kind": "binary", "baseline_mean": 0.1, "mde": 0.02, "mde_relative": false, "baseline_sd": null, "alpha": 0.05, "power": 0.8, "variants": 2 }""",
            AnalysisJsonContext.Default.SampleSizeRequest)!;
        Assert.True(SampleSizeCalculator.TryCalculate(request, out var response, out _));
        Assert.Equal(new SampleSizeResponse(3835, 7670), response);
        Assert.Equal("""{"units_per_variant":3835,"total_units":7670}""", JsonSerializer.Serialize(response, AnalysisJsonContext.Default.SampleSizeResponse));
    }

    [Fact]
    public void Continuous_sample_size_uses_d_equal_mde_over_sd_and_relative_mde_scales_by_the_baseline()
    {
        // ceil(NormalIndPower().solve_power(effect_size=0.125, alpha=0.05, power=0.8, ratio=1)) = 1005
        Assert.True(SampleSizeCalculator.TryCalculate(new SampleSizeRequest("sum", 40, 0.03125, true, 10, Variants: 3), out var r, out _));
        Assert.Equal(new SampleSizeResponse(1005, 3015), r);
    }

    [Fact]
    public void Invalid_sample_size_requests_name_every_bad_field()
    {
        Assert.False(SampleSizeCalculator.TryCalculate(new SampleSizeRequest("ratio", null, -1, Alpha: 1.5, Power: 0, Variants: 1), out _, out var errors));
        Assert.Equal(["alpha", "baseline_mean", "kind", "mde", "power", "variants"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.False(SampleSizeCalculator.TryCalculate(new SampleSizeRequest("count", 2, 0.1), out _, out errors));
        Assert.Equal(["baseline_sd"], errors.Keys);
        Assert.False(SampleSizeCalculator.TryCalculate(new SampleSizeRequest("binary", 1.5, 0.1), out _, out errors));
        Assert.Equal(["baseline_mean"], errors.Keys);
    }

    [Fact]
    public void Timeseries_points_are_cumulative_per_hour_and_per_day()
    {
        long day0 = new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        const long hour = 3_600_000;
        var buckets = new List<TimeseriesBucket>
        {
            new(day0 + (22 * hour), [new VariantMoments(100, 10, 10), new VariantMoments(100, 12, 12)], [100, 100]),
            new(day0 + (23 * hour), [new VariantMoments(50, 5, 5), new VariantMoments(60, 9, 9)], [50, 60]),
            new(day0 + (25 * hour), [new VariantMoments(850, 85, 85), new VariantMoments(840, 109, 109)], [850, 840]),
        };
        var metric = new AnalysisMetric("purchase", MetricKind.Binary, MetricRole.Primary, MetricDirection.Increase);
        var hourly = TimeseriesBuilder.Build("e", metric, ["control", "green"], 0, buckets, TimeseriesGranularity.Hour);
        Assert.Equal(3, hourly.Points.Count);
        Assert.Equal("2026-11-30T23:00:00.000Z", hourly.Points[1].T);
        Assert.Equal(150, hourly.Points[1].Variants[0].Units);
        Assert.Equal(15.0 / 150, hourly.Points[1].Variants[0].Mean, 15);

        var daily = TimeseriesBuilder.Build("e", metric, ["control", "green"], 0, buckets, TimeseriesGranularity.Day);
        Assert.Equal(2, daily.Points.Count);
        Assert.Equal("2026-11-30T00:00:00.000Z", daily.Points[0].T);
        Assert.Equal(160, daily.Points[0].Variants[1].Units);
        var last = daily.Points[1];
        Assert.Equal(1000, last.Variants[0].Units);
        Assert.Equal(0.13, last.Variants[1].Mean, 15);
        var c = Assert.Single(last.Comparisons);
        Assert.Equal("green", c.Variant);
        Assert.Equal(0.3, c.RelativeLift!.Value, 12);
        // proportions_ztest([130, 100], [1000, 1000])[1] = 0.03548845046647471
        Assert.Equal(0.03548845046647471, c.PValue!.Value, 12);
        Assert.Equal(2, c.RelativeLiftCi!.Length);
        string json = JsonSerializer.Serialize(daily, AnalysisJsonContext.Default.TimeseriesDocument);
        Assert.Contains("\"relative_lift_ci\":[", json, StringComparison.Ordinal);
        Assert.Contains("\"granularity\":\"day\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_timeseries_has_no_points_and_serializes()
    {
        var metric = new AnalysisMetric("revenue", MetricKind.Sum, MetricRole.Primary, MetricDirection.Increase);
        var doc = TimeseriesBuilder.Build("e", metric, ["control", "b"], 0, [], TimeseriesGranularity.Hour);
        Assert.Empty(doc.Points);
        var one = TimeseriesBuilder.Build("e", metric, ["control", "b"], 0, [new TimeseriesBucket(0, [new VariantMoments(1, 5, 25), new VariantMoments(0, 0, 0)], [1, 0])], TimeseriesGranularity.Hour);
        string json = JsonSerializer.Serialize(one, AnalysisJsonContext.Default.TimeseriesDocument);
        Assert.DoesNotContain("NaN", json, StringComparison.Ordinal);
        Assert.True(TimeseriesBuilder.TryParseGranularity("day", out var g) && g == TimeseriesGranularity.Day);
        Assert.False(TimeseriesBuilder.TryParseGranularity("week", out _));
    }
}
