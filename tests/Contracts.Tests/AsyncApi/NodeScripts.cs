namespace Store.Contracts.Tests.AsyncApi;

/// <summary>Runs the Node scripts of the contract tests with the repository's pinned npm packages, installing them on first use.</summary>
internal static class NodeScripts
{
    /// <summary>The AsyncAPI validation script.</summary>
    public static string ValidateAsyncApi { get; } = RepoFiles.Path("tests", "Contracts.Tests", "AsyncApi", "validate-asyncapi.mjs");

    /// <summary>Runs <c>node script args…</c> from the repository root after making sure @asyncapi/parser is installed.</summary>
    public static async Task<(int ExitCode, string StdOut, string StdErr)> RunAsync(string script, params string[] args)
    {
        await NodePackages.EnsureAsync(Path.Combine("node_modules", "@asyncapi", "parser", "package.json"));
        var psi = new ProcessStartInfo("node")
        {
            WorkingDirectory = RepoFiles.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(script);
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        using var process = NodePackages.StartOrExplain(psi);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"node {Path.GetFileName(script)} did not finish within 2 minutes.");
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
