using System.Text.Json;
using System.Text.Json.Serialization;

namespace Expothesis.Fast.Storage.Catalog;

/// <summary>The JSON settings of the catalog's files and documents: snake_case names and enum values.</summary>
public static class CatalogJson
{
    /// <summary>Serializer options shared by the catalog files and the HTTP documents.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DictionaryKeyPolicy = null,
            NumberHandling = JsonNumberHandling.Strict,
            ReadCommentHandling = JsonCommentHandling.Disallow,
            AllowTrailingCommas = false,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
