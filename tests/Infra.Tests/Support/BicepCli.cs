namespace Infra.Tests.Support;

/// <summary>Result of one Bicep CLI invocation.</summary>
public sealed record BicepResult(int ExitCode, string StdOut, string StdErr)
{
    /// <summary>Every diagnostic line (errors, warnings, infos) the CLI printed.</summary>
    public IReadOnlyList<string> Diagnostics =>
        (StdErr + "\n" + StdOut).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l.Contains(" : Error ", StringComparison.Ordinal)
                     || l.Contains(" : Warning ", StringComparison.Ordinal)
                     || l.Contains(" : Info ", StringComparison.Ordinal))
            .ToList();
}

/// <summary>Runs the Bicep CLI restored from the Azure.Bicep.CommandLine.linux-x64 NuGet package.</summary>
public static class BicepCli
{
    private static readonly Lazy<string> Executable = new(Locate);

    /// <summary>The restored bicep binary.</summary>
    public static string ExecutablePath => Executable.Value;

    public static BicepResult Run(params string[] args)
    {
        var start = new ProcessStartInfo(Executable.Value)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Repo.Root,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // Offline machine: no telemetry, no module registry look-ups.
        start.Environment["BICEP_TELEMETRY_ENABLED"] = "false";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start bicep.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', args)} did not finish in 3 minutes.");
        }

        return new BicepResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    private static string Locate()
    {
        var path = Path.Combine(Repo.BicepPackageRoot, "tools", "bicep");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException("The bicep binary is missing from the restored Azure.Bicep.CommandLine.linux-x64 package.", path);
        }

        // NuGet extracts package files without guaranteeing the execute bit for everyone.
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(path);
            const UnixFileMode exec = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
            if ((mode & exec) != exec)
            {
                File.SetUnixFileMode(path, mode | exec);
            }
        }

        return path;
    }
}
