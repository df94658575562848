namespace Store.LocalHost.Hosting;

/// <summary>
/// Finds the contexts to host from schemas/catalog.json and the apps' assemblies, by convention: the context
/// <c>X</c> is the project functions/X/X.csproj (assembly <c>X</c>, referenced by LocalHost.csproj's glob), whose public
/// static <c>AddXContext(IServiceCollection, IConfiguration)</c> registers it exactly as its Program.cs does.
/// </summary>
public static class ContextDiscovery
{
    /// <summary>One registration per context of the catalog, in catalog order; a context that breaks the convention is a clear error.</summary>
    public static IReadOnlyList<ContextRegistration> FromCatalog(EventCatalog catalog) =>
        [.. catalog.Contexts.Select(c => Registration(c.Name))];

    /// <summary>The registration of one context, found in its assembly.</summary>
    public static ContextRegistration Registration(string context)
    {
        Assembly assembly;
        try
        {
            assembly = Assembly.Load(new AssemblyName(context));
        }
        catch (FileNotFoundException ex)
        {
            throw new InvalidOperationException(
                $"Context '{context}' (schemas/catalog.json) has no assembly '{context}': the local host hosts functions/{context}/{context}.csproj; create it or fix the name.", ex);
        }

        var method = $"Add{context}Context";
        var register = assembly.GetExportedTypes()
            .Select(t => t.GetMethod(method, BindingFlags.Public | BindingFlags.Static, [typeof(IServiceCollection), typeof(IConfiguration)]))
            .Where(m => m is not null && m.ReturnType == typeof(IServiceCollection))
            .ToArray();
        return register.Length == 1
            ? new ContextRegistration(context, assembly, register[0]!.CreateDelegate<Func<IServiceCollection, IConfiguration, IServiceCollection>>())
            : throw new InvalidOperationException(
                $"Assembly '{context}' needs exactly one public static IServiceCollection {method}(IServiceCollection, IConfiguration) (its Program.cs registration); found {register.Length}.");
    }
}
