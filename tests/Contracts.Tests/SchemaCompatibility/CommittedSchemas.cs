namespace Store.Contracts.Tests.SchemaCompatibility;

/// <summary>Compares the working-tree event schemas with their committed versions (<c>git show HEAD:schemas/…</c>).</summary>
internal static class CommittedSchemas
{
    /// <summary>What a comparison found: breaking changes, the files compared, and files HEAD does not have yet (new types or majors).</summary>
    public sealed record Comparison(IReadOnlyList<string> Problems, IReadOnlyList<string> Compared, IReadOnlyList<string> New);

    /// <summary>Null when git and a HEAD commit are available in <paramref name="repoRoot"/>; otherwise why not.</summary>
    public static string? UnavailableReason(string repoRoot)
    {
        try
        {
            var (exit, _, stderr) = Git(repoRoot, "rev-parse", "--verify", "--quiet", "HEAD^{commit}");
            return exit == 0 ? null : $"{repoRoot} has no HEAD commit to compare with (git rev-parse: exit {exit} {stderr.Trim()})";
        }
        catch (InvalidOperationException ex)
        {
            return ex.Message;
        }
    }

    /// <summary>Checks every <c>schemas/**/*.v&lt;major&gt;.json</c> in the working tree against the same path at HEAD.</summary>
    public static Comparison CompareWorkingTreeWithHead(string repoRoot)
    {
        var (exit, listing, stderr) = Git(repoRoot, "ls-tree", "-r", "--name-only", "HEAD", "--", "schemas");
        if (exit != 0)
        {
            throw new InvalidOperationException($"git ls-tree HEAD failed (exit {exit}): {stderr}");
        }

        var committed = listing.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        var schemasDir = Path.Combine(repoRoot, "schemas");
        var files = Directory.Exists(schemasDir)
            ? Directory.GetFiles(schemasDir, "*.v*.json", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(repoRoot, f).Replace('\\', '/'))
                .Order(StringComparer.Ordinal)
                .ToArray()
            : [];

        List<string> problems = [], compared = [], added = [];
        foreach (var file in files)
        {
            if (!committed.Contains(file))
            {
                added.Add(file);
                continue;
            }

            var (showExit, old, showError) = Git(repoRoot, "show", $"HEAD:{file}");
            if (showExit != 0)
            {
                throw new InvalidOperationException($"git show HEAD:{file} failed (exit {showExit}): {showError}");
            }

            compared.Add(file);
            problems.AddRange(SchemaCompatibilityChecker.Check(old, File.ReadAllText(Path.Combine(repoRoot, file))).Select(p => $"{file}: {p}"));
        }

        return new Comparison(problems, compared, added);
    }

    private static (int ExitCode, string StdOut, string StdErr) Git(string repoRoot, params string[] args)
    {
        var psi = new ProcessStartInfo("git")
        {
            WorkingDirectory = repoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException("git could not be started.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"git is not on PATH ({ex.Message})", ex);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
            {
                process.Kill(entireProcessTree: true);
                throw new InvalidOperationException($"git {string.Join(' ', args)} did not finish within 60 s.");
            }

            return (process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
        }
    }
}

/// <summary>A fact that is reported as skipped, with the reason, when git or a HEAD commit is not available (e.g. a source archive).</summary>
public sealed class GitHeadFactAttribute : FactAttribute
{
    public GitHeadFactAttribute()
    {
        if (CommittedSchemas.UnavailableReason(RepoFiles.Root) is { } reason)
        {
            Skip = $"Working-tree schemas NOT compared with their committed versions: {reason}.";
        }
    }
}
