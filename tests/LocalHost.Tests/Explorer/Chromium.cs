namespace Store.LocalHost.Tests.Explorer;

/// <summary>
/// Debian's chromium for the browser test, installed with apt on first use (as root, or with passwordless sudo), as the
/// Azurite fixture installs its npm package; Playwright drives it through its executable path (Playwright's own browser
/// download is not used).
/// </summary>
internal static class Chromium
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
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

            var sudo = Environment.UserName == "root" ? null : "sudo";
            await RunAsync(sudo, "apt-get", "update");
            await RunAsync(sudo, "apt-get", "install", "-y", "--no-install-recommends", "chromium");
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
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"'{string.Join(' ', command)}' failed with exit code {process.ExitCode} (needs root or passwordless sudo, or set CHROMIUM_PATH): {await error}\n{await output}");
            }
        }
    }
}
