using System.Text.Json.Serialization;

namespace Store.LocalHost;

/// <summary>Source-generated serialization for what the local host reads and writes itself.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(System.Text.Json.Nodes.JsonNode))]
internal sealed partial class LocalHostJson : JsonSerializerContext;
