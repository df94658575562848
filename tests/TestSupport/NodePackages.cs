using System.Diagnostics;

namespace Store.TestSupport;

/// <summary>
/// Installs the repository's pinned npm packages (package.json / package-lock.json: Azurite, @asyncapi/parser, axe-core) on first use.
/// </summary>
/// <remarks>
/// Test assemblies run in parallel processes and share node_modules, so one installs while holding a machine-wide lock
/// and the others wait for it; the lock is taken even when the files already exist, so nobody starts node on a
/// half-written node_modules. A fresh clone gets exactly the lock file (npm ci); a checkout that already has node_modules
/// (perhaps with an Azurite running from it in another test process) gets the missing packages added from the same lock
/// file (npm install), because npm ci would delete node_modules first.
/// </remarks>
public static class NodePackages
{
    private const string LockFile = "store-azurite-npm-ci.lock";
    private static readonly SemaphoreSlim InProcess = new(1, 1);
    private static bool _matchesLock;

    /// <summary>
    /// Makes sure every file (relative to the repository root) exists and node_modules is what package-lock.json pins,
    /// installing the packages when not.
    /// </summary>
    public static async Task EnsureAsync(params string[] requiredFiles)
    {
        var root = Azurite.RepositoryRoot();
        var paths = requiredFiles.Select(f => Path.Combine(root, f)).ToArray();
        await InProcess.WaitAsync().ConfigureAwait(false);
        try
        {
            using var installLock = await InstallLock.AcquireAsync(LockFile, TimeSpan.FromMinutes(6)).ConfigureAwait(false);
            if (paths.All(File.Exists) && (_matchesLock || (_matchesLock = InstalledAsLocked(root))))
            {
                return;
            }

            var args = Directory.Exists(Path.Combine(root, "node_modules"))
                ? "install --no-audit --no-fund --loglevel=error"
                : "ci --no-audit --no-fund --loglevel=error";
            using var npm = StartOrExplain(new ProcessStartInfo("npm", args) { WorkingDirectory = root, UseShellExecute = false });
            using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            await npm.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            if (npm.ExitCode != 0 || !paths.All(File.Exists))
            {
                throw new InvalidOperationException($"'npm {args}' in {root} failed (exit code {npm.ExitCode}) or left {string.Join(", ", paths.Where(p => !File.Exists(p)))} missing.");
            }

            _matchesLock = true;
        }
        finally
        {
            InProcess.Release();
        }
    }

    /// <summary>
    /// Whether node_modules holds what package-lock.json pins: npm's own record of the tree it installed
    /// (node_modules/.package-lock.json) lists the same packages at the same versions. A checkout whose lock file changed
    /// since its last install (a new Azurite, a replaced dependency) is installed again instead of running the old tree.
    /// </summary>
    public static bool InstalledAsLocked(string root)
    {
        static Dictionary<string, string> Packages(string file) =>
            System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(file))?["packages"]?.AsObject()
                .Where(p => p.Key.StartsWith("node_modules/", StringComparison.Ordinal))
                .ToDictionary(p => p.Key, p => $"{p.Value?["version"]}|{p.Value?["link"]}", StringComparer.Ordinal) ?? [];

        var installed = Path.Combine(root, "node_modules", ".package-lock.json");
        if (!File.Exists(installed))
        {
            return false;
        }

        var locked = Packages(Path.Combine(root, "package-lock.json"));
        var present = Packages(installed);
        return locked.Count == present.Count && locked.All(p => present.TryGetValue(p.Key, out var v) && v == p.Value);
    }

    /// <summary>Starts a process, explaining a missing Node.js instead of failing with a bare Win32Exception.</summary>
    public static Process StartOrExplain(ProcessStartInfo psi)
    {
        try
        {
            return Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {psi.FileName}.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"'{psi.FileName}' is not on PATH; the tests need Node.js and npm (see README).", ex);
        }
    }
}
