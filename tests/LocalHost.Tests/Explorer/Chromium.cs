namespace Store.LocalHost.Tests.Explorer;

/// <summary>
/// Debian's chromium for the browser test, installed with apt on first use (as root, or with passwordless sudo), as the
/// Azurite fixture installs its npm package; Playwright drives it through its executable path (Playwright's own browser
/// download is not used).
/// </summary>
internal static class Chromium
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    // apt-get update and install of chromium took about 10 s here (2026-12-07); the bound turns a stalled mirror or a
    // held lock into a failure that says so, instead of a test run that never ends.
    private static readonly TimeSpan AptTimeout = TimeSpan.FromMinutes(8);
    private static readonly string[] Candidates = ["/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser"];

    public static async Task<string> EnsureAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } configured)
            {
                return configured;
            }

            if (Candidates.FirstOrDefault(File.Exists) is { } found)
            {
                return found;
            }

            if (!OperatingSystem.IsLinux())
            {
                throw new InvalidOperationException("The browser test needs Chromium: set CHROMIUM_PATH to its executable.");
            }

            // .ci/run starts this install while the solution builds, holding the same lock; whoever comes second finds it done.
            using var installLock = await InstallLock.AcquireAsync("store-chromium-apt.lock", AptTimeout);
            if (Candidates.FirstOrDefault(File.Exists) is { } installed)
            {
                return installed;
            }

            var sudo = Environment.UserName == "root" ? null : "sudo";
            await RunAsync(sudo, "apt-get", "-o", "DPkg::Lock::Timeout=120", "update");
            await RunAsync(sudo, "apt-get", "-o", "DPkg::Lock::Timeout=120", "install", "-y", "--no-install-recommends", "chromium");
            return Candidates.FirstOrDefault(File.Exists)
                ?? throw new InvalidOperationException("apt-get installed chromium, but no executable is at " + string.Join(" or ", Candidates));
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task RunAsync(string? sudo, params string[] command)
    {
        var psi = new ProcessStartInfo(sudo ?? command[0]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in sudo is null ? command[1..] : ["-n", .. command])
        {
            psi.ArgumentList.Add(arg);
        }

        psi.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {psi.FileName}.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"The browser test installs chromium with apt-get, which needs root or passwordless sudo ({psi.FileName}: {ex.Message}); or set CHROMIUM_PATH.", ex);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            try
            {
                await process.WaitForExitAsync().WaitAsync(AptTimeout);
            }
            catch (TimeoutException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"'{string.Join(' ', command)}' did not finish within {AptTimeout.TotalMinutes:0} minutes (apt lock held, or the mirror stalled); set CHROMIUM_PATH to an installed chromium.");
            }

            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"'{string.Join(' ', command)}' failed with exit code {process.ExitCode} (needs root or passwordless sudo, or set CHROMIUM_PATH): {await error}\n{await output}");
            }
        }
    }
}
