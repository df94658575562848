using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Infra.Tests.Support;

/// <summary>
/// Finishes what `bicep snapshot` leaves as expressions because only a running deployment knows them: environment() and
/// reference() to resources created in the same deployment. It stands in for Azure Resource Manager with the public cloud
/// and the properties those resource types return (identity client ids, storage primaryEndpoints, the Application Insights
/// connection string, the app's host name), so the app settings can be handed to the apps' real registrations.
/// Any other function is refused, so a new kind of expression fails the tests instead of being guessed.
/// </summary>
public static class DeploymentRuntime
{
    public static string EvaluateString(string value) => Evaluate(value) switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        var other => other?.ToJsonString() ?? string.Empty,
    };

    /// <summary>Evaluates a snapshot value: plain strings stay as they are, "[...]" is an ARM expression.</summary>
    public static JsonNode? Evaluate(string value)
    {
        if (!value.StartsWith('[') || !value.EndsWith(']') || value.StartsWith("[[", StringComparison.Ordinal))
        {
            return JsonValue.Create(value);
        }

        var parser = new Parser(value[1..^1]);
        var result = parser.ParseExpression();
        parser.ExpectEnd();
        return result;
    }

    /// <summary>The deterministic stand-in for a GUID ARM generates at deployment time (e.g. a managed identity's clientId).</summary>
    public static string GuidFor(string seed) => new Guid(MD5.HashData(Encoding.UTF8.GetBytes(seed))).ToString();

    private static JsonNode Environment() => new JsonObject
    {
        ["name"] = "AzureCloud",
        ["suffixes"] = new JsonObject { ["storage"] = "core.windows.net" },
    };

    private static JsonNode Reference(string id)
    {
        var segments = id.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var providers = Array.FindLastIndex(segments, s => s.Equals("providers", StringComparison.OrdinalIgnoreCase));
        var type = $"{segments[providers + 1]}/{segments[providers + 2]}";
        var name = segments[^1];
        return type.ToLowerInvariant() switch
        {
            "microsoft.managedidentity/userassignedidentities" => new JsonObject { ["clientId"] = GuidFor(id + "/clientId"), ["principalId"] = GuidFor(id + "/principalId") },
            "microsoft.storage/storageaccounts" => new JsonObject
            {
                ["primaryEndpoints"] = new JsonObject
                {
                    ["blob"] = $"https://{name}.blob.core.windows.net/",
                    ["queue"] = $"https://{name}.queue.core.windows.net/",
                    ["table"] = $"https://{name}.table.core.windows.net/",
                },
            },
            "microsoft.insights/components" => new JsonObject
            {
                ["ConnectionString"] = $"InstrumentationKey={GuidFor(id)};IngestionEndpoint=https://eastus2-3.in.applicationinsights.azure.com/;LiveEndpoint=https://eastus2.livediagnostics.monitor.azure.com/;ApplicationId={GuidFor(id + "/app")}",
            },
            "microsoft.web/sites" => new JsonObject { ["defaultHostName"] = $"{name}.azurewebsites.net" },
            _ => throw new NotSupportedException($"reference() to {type} is not simulated; add what ARM returns for it to {nameof(DeploymentRuntime)}."),
        };
    }

    private sealed class Parser(string text)
    {
        private int _pos;

        public void ExpectEnd()
        {
            SkipSpace();
            if (_pos != text.Length)
            {
                throw new FormatException($"Unexpected '{text[_pos..]}' in [{text}].");
            }
        }

        public JsonNode? ParseExpression()
        {
            SkipSpace();
            JsonNode? value;
            if (Peek() == '\'')
            {
                value = JsonValue.Create(ReadString());
            }
            else if (char.IsDigit(Peek()) || Peek() == '-')
            {
                var start = _pos++;
                while (_pos < text.Length && char.IsDigit(text[_pos]))
                {
                    _pos++;
                }

                value = JsonValue.Create(long.Parse(text[start.._pos], CultureInfo.InvariantCulture));
            }
            else
            {
                var name = ReadIdentifier();
                Expect('(');
                var args = new List<JsonNode?>();
                SkipSpace();
                if (Peek() != ')')
                {
                    do
                    {
                        args.Add(ParseExpression());
                        SkipSpace();
                    }
                    while (TryConsume(','));
                }

                Expect(')');
                value = Call(name, args);
            }

            while (true)
            {
                SkipSpace();
                if (TryConsume('.'))
                {
                    var property = ReadIdentifier();
                    value = value?[property] ?? throw new KeyNotFoundException($"Property '{property}' missing in [{text}].");
                }
                else if (TryConsume('['))
                {
                    var index = ParseExpression();
                    Expect(']');
                    value = value is JsonArray array ? array[(int)index!.GetValue<long>()] : value?[index!.GetValue<string>()];
                }
                else
                {
                    return value?.DeepClone();
                }
            }
        }

        private JsonNode? Call(string name, List<JsonNode?> args) => name.ToLowerInvariant() switch
        {
            "format" => JsonValue.Create(string.Format(CultureInfo.InvariantCulture, Str(args[0]), args.Skip(1).Select(a => (object)Str(a)).ToArray())),
            "concat" => JsonValue.Create(string.Concat(args.Select(Str))),
            "tolower" => JsonValue.Create(Str(args[0]).ToLowerInvariant()),
            "if" => args[0]!.GetValue<bool>() ? args[1] : args[2],
            "equals" => JsonValue.Create(JsonNode.DeepEquals(args[0], args[1])),
            "not" => JsonValue.Create(!args[0]!.GetValue<bool>()),
            "environment" => Environment(),
            "reference" => Reference(Str(args[0])),
            "createarray" => new JsonArray(args.Select(a => a?.DeepClone()).ToArray()),
            "createobject" => CreateObject(args),
            _ => throw new NotSupportedException($"ARM function {name}() is not simulated (in [{text}])."),
        };

        private static JsonObject CreateObject(List<JsonNode?> args)
        {
            var result = new JsonObject();
            for (var i = 0; i < args.Count; i += 2)
            {
                result[Str(args[i])] = args[i + 1]?.DeepClone();
            }

            return result;
        }

        private static string Str(JsonNode? node) => node switch
        {
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            null => string.Empty,
            _ => node.ToJsonString(),
        };

        private string ReadString()
        {
            Expect('\'');
            var sb = new StringBuilder();
            while (true)
            {
                var c = text[_pos++];
                if (c == '\'')
                {
                    if (_pos < text.Length && text[_pos] == '\'')
                    {
                        sb.Append('\'');
                        _pos++;
                        continue;
                    }

                    return sb.ToString();
                }

                sb.Append(c);
            }
        }

        private string ReadIdentifier()
        {
            SkipSpace();
            var start = _pos;
            while (_pos < text.Length && (char.IsLetterOrDigit(text[_pos]) || text[_pos] == '_'))
            {
                _pos++;
            }

            return _pos > start ? text[start.._pos] : throw new FormatException($"Identifier expected at {_pos} in [{text}].");
        }

        private char Peek() => _pos < text.Length ? text[_pos] : '\0';

        private bool TryConsume(char c)
        {
            SkipSpace();
            if (Peek() != c)
            {
                return false;
            }

            _pos++;
            return true;
        }

        private void Expect(char c)
        {
            if (!TryConsume(c))
            {
                throw new FormatException($"'{c}' expected at {_pos} in [{text}].");
            }
        }

        private void SkipSpace()
        {
            while (_pos < text.Length && text[_pos] == ' ')
            {
                _pos++;
            }
        }
    }
}
