namespace Store.Eventing.Catalog;

/// <summary>Reads the catalog and JSON Schemas compiled into the kit (they are the checked-in files under <c>schemas/</c>).</summary>
public static class EmbeddedSchemas
{
    public static Stream Open(string relativePath) =>
        typeof(EmbeddedSchemas).Assembly.GetManifestResourceStream("schemas/" + relativePath.Replace('\\', '/'))
        ?? throw new FileNotFoundException($"schemas/{relativePath} is not embedded in the eventing kit.");

    public static string ReadText(string relativePath)
    {
        using var reader = new StreamReader(Open(relativePath));
        return reader.ReadToEnd();
    }
}
