using System.Diagnostics.CodeAnalysis;
using Expothesis.Fast.Stats;

namespace Expothesis.Fast.Query.Analysis;

/// <summary>
/// <c>POST /stats/sample-size</c>: units per variant for a two-sided two-sample z test at α with the given power
/// (statsmodels <c>NormalIndPower</c>, rounded up). Binary: Cohen's h between baseline_mean and baseline_mean ± mde;
/// count/sum: d = mde / baseline_sd. Defaults: alpha 0.05, power 0.8, variants 2, mde_relative false.
/// No multiple-comparison adjustment is made for more than two variants; total = per variant × variants.
/// </summary>
public static class SampleSizeCalculator
{
    /// <summary>Validates and computes; on failure <paramref name="errors"/> maps field → messages.</summary>
    public static bool TryCalculate(SampleSizeRequest request, [NotNullWhen(true)] out SampleSizeResponse? response, out Dictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(request);
        errors = [];
        response = null;
        bool binary = false;
        switch (request.Kind)
        {
            case "binary":
                binary = true;
                break;
            case "count" or "sum":
                break;
            case null or "":
                errors["kind"] = ["kind is required: binary, count or sum"];
                break;
            default:
                errors["kind"] = ["kind must be binary, count or sum"];
                break;
        }

        double alpha = request.Alpha ?? 0.05;
        if (!(alpha is > 0 and < 1))
        {
            errors["alpha"] = ["alpha must be in (0, 1)"];
        }

        double power = request.Power ?? 0.8;
        if (!(power is > 0 and < 1))
        {
            errors["power"] = ["power must be in (0, 1)"];
        }

        int variants = request.Variants ?? 2;
        if (variants is < 2 or > 16)
        {
            errors["variants"] = ["variants must be between 2 and 16"];
        }

        if (request.BaselineMean is not { } baseline || !double.IsFinite(baseline))
        {
            errors["baseline_mean"] = ["baseline_mean is required and must be finite"];
            baseline = double.NaN;
        }
        else if (binary && !(baseline is > 0 and < 1))
        {
            errors["baseline_mean"] = ["baseline_mean of a binary metric must be in (0, 1)"];
        }

        double delta = double.NaN;
        if (request.Mde is not { } mde || !double.IsFinite(mde) || !(mde > 0))
        {
            errors["mde"] = ["mde is required and must be > 0"];
        }
        else if (double.IsFinite(baseline))
        {
            delta = request.MdeRelative == true ? mde * Math.Abs(baseline) : mde;
            if (!(delta > 0))
            {
                errors["mde"] = ["a relative mde needs a non-zero baseline_mean"];
            }
            else if (binary && baseline + delta > 1 && baseline - delta < 0)
            {
                errors["mde"] = ["baseline_mean ± mde must stay within [0, 1]"];
            }
        }

        double sd = double.NaN;
        if (!binary && !errors.ContainsKey("kind"))
        {
            if (request.BaselineSd is not { } s || !double.IsFinite(s) || !(s > 0))
            {
                errors["baseline_sd"] = ["baseline_sd is required for count and sum metrics and must be > 0"];
            }
            else
            {
                sd = s;
            }
        }

        if (errors.Count > 0)
        {
            return false;
        }

        long? n = binary
            ? SampleSize.Binary(baseline, baseline + delta <= 1 ? baseline + delta : baseline - delta, alpha, power)
            : SampleSize.Continuous(delta, sd, alpha, power);
        if (n is not { } perVariant)
        {
            errors["mde"] = ["the effect is too small to size an experiment for"];
            return false;
        }

        response = new SampleSizeResponse(perVariant, perVariant * variants);
        return true;
    }
}
