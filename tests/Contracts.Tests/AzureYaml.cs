namespace Store.Contracts.Tests;

/// <summary>
/// The <c>services:</c> section of azure.yaml, one function app per catalog context. <c>.ci/regenerate</c> (tests/Regenerate)
/// writes it and <c>AzureYamlTests</c> checks it, both through this class.
/// </summary>
public static class AzureYaml
{
    public const string RelativePath = "azure.yaml";

    /// <summary><paramref name="yaml"/> with its <c>services:</c> block (up to the next top-level key) generated from the catalog.</summary>
    public static string Splice(string yaml, EventCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(catalog);
        var start = yaml.IndexOf("\nservices:\n", StringComparison.Ordinal);
        if (start < 0)
        {
            throw new InvalidOperationException("azure.yaml has no top-level 'services:' key.");
        }

        start += 1;
        var body = start + "services:\n".Length;
        var end = body;
        while (end < yaml.Length && (yaml[end] == ' ' || yaml[end] == '\n'))
        {
            var next = yaml.IndexOf('\n', end);
            end = next < 0 ? yaml.Length : next + 1;
        }

        return yaml[..start] + Services(catalog) + yaml[end..];
    }

    /// <summary>One service per context: name the lowercase context, project its folder under functions/.</summary>
    public static string Services(EventCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var sb = new StringBuilder("services:\n");
        foreach (var context in catalog.Contexts)
        {
            sb.Append(CultureInfo.InvariantCulture, $"  {context.Name.ToLowerInvariant()}:\n    project: ./functions/{context.Name}\n    language: dotnet\n    host: function\n");
        }

        return sb.ToString();
    }
}
