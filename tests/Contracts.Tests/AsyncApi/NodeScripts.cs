using System.Diagnostics;

namespace Store.Contracts.Tests.AsyncApi;

/// <summary>Runs the Node scripts of the contract tests with the repository's pinned npm packages, installing them on first use.</summary>
internal static class NodeScripts
{
    // The same lock file as tests/TestSupport/Azurite.cs: test assemblies run in parallel processes and share node_modules,
    // so only one of them may run npm at a time; the others wait and then find the packages installed.
    private static readonly string InstallLockPath = Path.Combine(Path.GetTempPath(), "store-azurite-npm-ci.lock");
    private static readonly SemaphoreSlim InProcess = new(1, 1);

    /// <summary>The AsyncAPI validation script.</summary>
    public static string ValidateAsyncApi { get; } = RepoFiles.Path("tests", "Contracts.Tests", "AsyncApi", "validate-asyncapi.mjs");

    /// <summary>Runs <c>node script args…</c> from the repository root after making sure @asyncapi/parser is installed.</summary>
    public static async Task<(int ExitCode, string StdOut, string StdErr)> RunAsync(string script, params string[] args)
    {
        await EnsureInstalledAsync();
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

        using var process = StartOrExplain(psi);
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

    private static async Task EnsureInstalledAsync()
    {
        var parser = RepoFiles.Path("node_modules", "@asyncapi", "parser", "package.json");
        if (File.Exists(parser))
        {
            return;
        }

        await InProcess.WaitAsync();
        try
        {
            using var installLock = await AcquireLockAsync(InstallLockPath);
            if (File.Exists(parser))
            {
                return;
            }

            // A fresh clone gets exactly the lock file (npm ci). A checkout that already has node_modules (and perhaps an
            // Azurite running from it in another test process) gets the missing packages added from the same lock file
            // instead, because npm ci would delete node_modules first.
            var args = Directory.Exists(RepoFiles.Path("node_modules"))
                ? "install --no-audit --no-fund --loglevel=error"
                : "ci --no-audit --no-fund --loglevel=error";
            using var npm = StartOrExplain(new ProcessStartInfo("npm", args) { WorkingDirectory = RepoFiles.Root, UseShellExecute = false });
            using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            await npm.WaitForExitAsync(cts.Token);
            if (npm.ExitCode != 0 || !File.Exists(parser))
            {
                throw new InvalidOperationException($"'npm {args}' in {RepoFiles.Root} failed (exit code {npm.ExitCode}); @asyncapi/parser is still missing.");
            }
        }
        finally
        {
            InProcess.Release();
        }
    }

    private static Process StartOrExplain(ProcessStartInfo psi)
    {
        try
        {
            return Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {psi.FileName}.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"'{psi.FileName}' is not on PATH; the contract tests need Node.js (see README).", ex);
        }
    }

    private static async Task<FileStream> AcquireLockAsync(string path)
    {
        var deadline = DateTime.UtcNow.AddMinutes(6);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(250);
            }
        }
    }
}
