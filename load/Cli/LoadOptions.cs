namespace Expothesis.Fast.Load.Cli;

/// <summary>Every option of the load runner, with its default. Built by <see cref="ArgumentParser"/>.</summary>
internal sealed class LoadOptions
{
    /// <summary>The scenario name: ingest, assign, mixed, ramp, analysis, simulate.</summary>
    public string Scenario { get; set; } = "";

    public Uri Url { get; set; } = new("http://127.0.0.1:5080");

    public string? ApiKey { get; set; }

    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan Warmup { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Open model: requests per second. Null with no <see cref="Connections"/> means the scenario default.</summary>
    public double? Rate { get; set; }

    /// <summary>Closed model: N concurrent request loops.</summary>
    public int? Connections { get; set; }

    /// <summary>
    /// Open model: requests in flight at most, which is also the number of HTTP connections. Requests beyond it wait
    /// in the client with their clock running (their latency still counts from the intended send time).
    /// </summary>
    public int MaxInFlight { get; set; } = 256;

    /// <summary>Stop after this many events were sent (ingest); overrides the duration.</summary>
    public long? Events { get; set; }

    /// <summary>Stop after this many requests (any scenario but simulate); overrides the duration.</summary>
    public long? Requests { get; set; }

    public int BatchSize { get; set; } = 500;

    public int Users { get; set; } = 100_000;

    public int Experiments { get; set; } = 4;

    public int Metrics { get; set; } = 3;

    public int Variants { get; set; } = 2;

    public int ExperimentsPerCall { get; set; } = 1;

    /// <summary>Distinct pre-generated request bodies to cycle through.</summary>
    public int Bodies { get; set; } = 256;

    /// <summary>Share of exposure events in a generated batch.</summary>
    public double ExposureShare { get; set; } = 0.1;

    public bool EventIds { get; set; }

    /// <summary>Use the raw-socket HTTP/1.1 client instead of HttpClient (for rates HttpClient cannot drive).</summary>
    public bool Raw { get; set; }

    /// <summary>Assign with <c>expose: false</c> (no exposure recorded).</summary>
    public bool NoExpose { get; set; }

    public string Prefix { get; set; } = "load";

    public bool NoSetup { get; set; }

    public int? ServerPid { get; set; }

    public IReadOnlyList<int> CpuPids { get; set; } = [];

    public string? JsonPath { get; set; }

    public string? MarkdownPath { get; set; }

    public string? Label { get; set; }

    public bool Plain { get; set; }

    public int Seed { get; set; } = 42;

    // mixed
    public double AssignRate { get; set; } = 2000;

    public double IngestRate { get; set; } = 200;

    public double AnalysisRate { get; set; } = 5;

    // ramp
    public double RampStart { get; set; } = 100;

    /// <summary>Each ramp step multiplies the rate by this factor.</summary>
    public double RampFactor { get; set; } = 1.25;

    public TimeSpan RampStep { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan RampP99 { get; set; } = TimeSpan.FromMilliseconds(50);

    public double RampMaxErrorRate { get; set; } = 0.01;

    /// <summary>The request type ramped: ingest or assign.</summary>
    public string RampTarget { get; set; } = "ingest";

    // analysis and simulate
    public string? Experiment { get; set; }

    public double Lift { get; set; } = 0.2;

    public double BaselineRate { get; set; } = 0.1;

    public double RevenueMean { get; set; } = 40;

    /// <summary>Simulator: stop when the decision is reached (default) or only at the duration.</summary>
    public bool UntilDecision { get; set; } = true;

    public bool DurationGiven { get; set; }
}
