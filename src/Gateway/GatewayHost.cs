using System.Text.Json;
using System.Text.Json.Serialization;
using Expothesis.Fast.Assignment;
using Expothesis.Fast.Gateway.Analysis;
using Expothesis.Fast.Gateway.Assignment;
using Expothesis.Fast.Gateway.Auth;
using Expothesis.Fast.Gateway.Experiments;
using Expothesis.Fast.Gateway.Health;
using Expothesis.Fast.Gateway.Ingest;
using Expothesis.Fast.Gateway.Metrics;
using Expothesis.Fast.Gateway.Ofrep;
using Expothesis.Fast.Gateway.Problems;
using Expothesis.Fast.Gateway.RateLimiting;
using Expothesis.Fast.Query;
using Expothesis.Fast.Storage.Catalog;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Expothesis.Fast.Gateway;

/// <summary>
/// Builds the gateway: used by <c>Program.cs</c> and by the integration tests (which bind
/// <c>http://127.0.0.1:0</c> with a temporary data directory). Composable: <see cref="AddGateway"/>
/// registers the services, <see cref="MapGateway"/> the middleware and one <c>Map*Endpoints()</c> per area.
/// </summary>
public static partial class GatewayHost
{
    /// <summary>The listen address when none is configured.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>A builder with the gateway's configuration defaults and services.</summary>
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        // appsettings.json and the dashboard ship beside the binary, so the server behaves the same whatever
        // the working directory (relative data directories still resolve against the working directory).
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        if (BindingGuard.GetConfiguredAddresses(builder.Configuration).Count == 0)
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }
        builder.Services.AddGateway(builder.Configuration);
        return builder;
    }

    /// <summary>Checks the binding against the keys, builds the app and maps the gateway.</summary>
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Configuration.GetSection(GatewayOptions.SectionName).Get<GatewayOptions>() ?? new GatewayOptions();
        var keys = new ApiKeyRing(options.Auth.Keys);
        var addresses = BindingGuard.GetConfiguredAddresses(builder.Configuration);
        BindingGuard.EnsureSafe(builder.Configuration, keys);
        _ = options.GetDurability();

        var app = builder.Build();
        if (keys.IsOpen)
        {
            Log.OpenMode(app.Logger, string.Join(", ", addresses.Count == 0 ? [DefaultUrl] : addresses));
        }
        app.MapGateway();
        return app;
    }

    /// <summary>Registers the gateway's services (catalog, assigner, keys, readiness, JSON, problems, OpenAPI).</summary>
    public static IServiceCollection AddGateway(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.Configure<GatewayOptions>(configuration.GetSection(GatewayOptions.SectionName));
        services.ConfigureHttpJsonOptions(static o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        });
        services.AddProblemDetails();
        services.AddExceptionHandler<GatewayExceptionHandler>();
        services.AddOpenApi();
        services.AddRequestDecompression();
        services.AddMetrics();
        services.TryAddSingleton<GatewayMetrics>();
        services.TryAddSingleton<PrometheusExporter>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IMetricsSource, EngineMetricsSource>());
        var gatewayOptions = configuration.GetSection(GatewayOptions.SectionName).Get<GatewayOptions>() ?? new GatewayOptions();
        services.AddGatewayRateLimiting(gatewayOptions.RateLimit);

        services.TryAddSingleton<GatewayReadiness>();
        services.TryAddSingleton(static sp => new ApiKeyRing(sp.GetRequiredService<IOptions<GatewayOptions>>().Value.Auth.Keys));
        services.TryAddSingleton(static sp =>
        {
            var options = sp.GetRequiredService<IOptions<GatewayOptions>>().Value;
            return ExpothesisEngine.Open(new EngineOptions
            {
                DataDirectory = options.DataDirectory,
                Durability = options.GetDurability(),
                Shards = options.Shards,
                UnitMemoryBits = options.Store.UnitMemoryBits,
                UnitIndexBits = options.Store.UnitIndexBits,
                SeenMemoryBits = options.Store.SeenMemoryBits,
                SeenIndexBits = options.Store.SeenIndexBits,
            });
        });
        services.TryAddSingleton(static sp => sp.GetRequiredService<ExpothesisEngine>().Catalog);
        services.TryAddSingleton(static sp => sp.GetRequiredService<ExpothesisEngine>().Ingest);
        services.TryAddSingleton<IAssignmentRecorder>(static sp => sp.GetRequiredService<ExpothesisEngine>().Ingest);
        services.TryAddSingleton(static sp => new Assigner(sp.GetRequiredService<IAssignmentRecorder>()));
        services.AddHostedService<EngineRecoveryService>();
        services.AddAnalysis();
        services.AddEventIngest(configuration);
        return services;
    }

    /// <summary>Adds the middleware (metrics, problems, decompression, static dashboard, rate limit, keys) and every endpoint group.</summary>
    public static WebApplication MapGateway(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.Services.GetRequiredService<IOptions<GatewayOptions>>().Value;
        _ = app.Services.GetRequiredService<PrometheusExporter>(); // listen before the first measurement
        app.UseRequestMetrics();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRequestDecompression();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseRouting();
        app.UseGatewayRateLimiting(options.RateLimit);
        app.UseMiddleware<ApiKeyMiddleware>();

        app.MapOpenApi();
        app.MapHealthEndpoints();
        app.MapMetricsEndpoints();
        app.MapExperimentEndpoints();
        app.MapAssignmentEndpoints();
        app.MapOfrepEndpoints();
        app.MapEventEndpoints();
        app.MapAnalysisEndpoints();
        return app;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Warning,
            Message = "No API keys configured (Expothesis:Auth:Keys): every request is allowed, listening on loopback only ({Addresses}).")]
        public static partial void OpenMode(ILogger logger, string addresses);
    }
}
