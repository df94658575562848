namespace Store.Contracts.Tests.SchemaCompatibility;

/// <summary>
/// The schema gate against history. Events are kept for good (the capture archive is the system of record, and late
/// consumers and rebuilds read all of it), so: every event schema in the working tree must stay compatible with every
/// revision of itself that was ever committed, no committed schema file may disappear, and the catalog may never drop an
/// event type from a hub it was published on or move it to another schema file.
/// </summary>
internal static class SchemaHistory
{
    /// <summary>What the gate found: breaking changes, how many committed revisions it compared, and schema files no commit has yet.</summary>
    public sealed record Result(IReadOnlyList<string> Problems, int Revisions, IReadOnlyList<string> New);

    private sealed record Revision(string Path, string Blob, string Commit);

    /// <summary>Null when git and a HEAD commit are available in <paramref name="repoRoot"/>; otherwise why not.</summary>
    public static string? UnavailableReason(string repoRoot)
    {
        try
        {
            var (exit, _, stderr) = Git(repoRoot, null, "rev-parse", "--verify", "--quiet", "HEAD^{commit}");
            return exit == 0 ? null : $"{repoRoot} has no HEAD commit to compare with (git rev-parse: exit {exit} {stderr.Trim()})";
        }
        catch (InvalidOperationException ex)
        {
            return ex.Message;
        }
    }

    /// <summary>Null for a full clone; for a shallow one (<c>git clone --depth</c>) why the gate cannot run there.</summary>
    public static string? ShallowReason(string repoRoot) =>
        GitOrThrow(repoRoot, "rev-parse", "--is-shallow-repository").Trim() == "true"
            ? $"{repoRoot} is a shallow clone: the schema history gate needs every commit that touched schemas/ (run: git fetch --unshallow)"
            : null;

    /// <summary>Checks the working tree's schemas and catalog against every committed revision of them.</summary>
    public static Result Check(string repoRoot)
    {
        var revisions = CommittedRevisions(repoRoot);
        var contents = ReadBlobs(repoRoot, revisions.Select(r => r.Blob).Distinct(StringComparer.Ordinal).ToList());
        var problems = new List<string>();
        var compared = 0;
        foreach (var file in revisions.Where(r => IsEventSchema(r.Path)).GroupBy(r => r.Path).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var current = Path.Combine(repoRoot, file.Key);
            if (!File.Exists(current))
            {
                problems.Add($"{file.Key}: committed (last in {Short(file.First().Commit)}) but gone; events of its type may be in the archive, so it stays");
                continue;
            }

            var now = File.ReadAllText(current);
            foreach (var revision in file.DistinctBy(r => r.Blob).Where(r => contents[r.Blob] != now))
            {
                compared++;
                problems.AddRange(SchemaCompatibilityChecker.Check(contents[revision.Blob], now)
                    .Select(p => $"{file.Key}: against its revision of {Short(revision.Commit)}: {p}"));
            }
        }

        var catalog = revisions.Where(r => r.Path == "schemas/catalog.json").DistinctBy(r => r.Blob).ToList();
        var currentCatalog = JsonNode.Parse(File.ReadAllText(Path.Combine(repoRoot, "schemas", "catalog.json")));
        foreach (var revision in catalog)
        {
            problems.AddRange(DroppedFromCatalog(JsonNode.Parse(contents[revision.Blob]), currentCatalog)
                .Select(p => $"schemas/catalog.json: against its revision of {Short(revision.Commit)}: {p}"));
        }

        var known = revisions.Select(r => r.Path).ToHashSet(StringComparer.Ordinal);
        var schemasDir = Path.Combine(repoRoot, "schemas");
        var added = Directory.GetFiles(schemasDir, "*.json", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(repoRoot, f).Replace('\\', '/'))
            .Where(f => IsEventSchema(f) && !known.Contains(f))
            .Order(StringComparer.Ordinal)
            .ToList();
        return new Result(problems, compared + catalog.Count, added);
    }

    /// <summary>
    /// Every (hub, type) that any committed revision of the catalog, or the working tree's, lists: what the archive may
    /// hold, with the first commit (oldest) that published it ("working tree" when none has yet).
    /// </summary>
    public static IReadOnlyDictionary<(string Hub, string Type), string> PublishedEver(string repoRoot)
    {
        var revisions = CommittedRevisions(repoRoot).Where(r => r.Path == "schemas/catalog.json").ToList();
        var contents = ReadBlobs(repoRoot, revisions.Select(r => r.Blob).Distinct(StringComparer.Ordinal).ToList());
        var published = new Dictionary<(string Hub, string Type), string>();
        // git log lists the newest first: the last commit seen for a pair is the oldest that published it.
        foreach (var (catalog, since) in revisions.Select(r => (contents[r.Blob], Short(r.Commit)))
            .Prepend((File.ReadAllText(Path.Combine(repoRoot, "schemas", "catalog.json")), "working tree")))
        {
            foreach (var pair in Published(JsonNode.Parse(catalog)))
            {
                published[pair] = since;
            }
        }

        return published;
    }

    private static IEnumerable<(string Hub, string Type)> Published(JsonNode? catalog) =>
        from domain in catalog?["domains"]?.AsArray() ?? []
        from stream in domain?["streams"]?.AsArray() ?? []
        from type in stream?["events"]?.AsArray() ?? []
        select ((string)stream!["hub"]!, (string)type!);

    /// <summary>Each (hub, type) and each type's schema file an older catalog lists that the current one does not.</summary>
    internal static IEnumerable<string> DroppedFromCatalog(JsonNode? old, JsonNode? current)
    {
        static Dictionary<string, string> Schemas(JsonNode? catalog) =>
            (catalog?["eventTypes"]?.AsArray() ?? []).ToDictionary(t => (string)t!["type"]!, t => (string)t!["schema"]!, StringComparer.Ordinal);

        var published = Published(current).ToHashSet();
        foreach (var (hub, type) in Published(old).Where(p => !published.Contains(p)))
        {
            yield return $"{type} is no longer published on {hub}; its events may be in the archive, so the catalog keeps it there";
        }

        var schemas = Schemas(current);
        foreach (var (type, schema) in Schemas(old))
        {
            if (!schemas.TryGetValue(type, out var now) || now != schema)
            {
                yield return $"{type} was described by {schema}, now by {now ?? "nothing"}; archived events need that schema";
            }
        }
    }

    private static bool IsEventSchema(string path) =>
        path.StartsWith("schemas/", StringComparison.Ordinal) && System.Text.RegularExpressions.Regex.IsMatch(path, @"\.v\d+\.json$");

    private static string Short(string commit) => commit[..Math.Min(10, commit.Length)];

    /// <summary>Every blob each path under schemas/ had in any commit reachable from HEAD (merges against each parent).</summary>
    private static List<Revision> CommittedRevisions(string repoRoot)
    {
        var log = GitOrThrow(repoRoot, "log", "-m", "--root", "--no-renames", "--raw", "--no-abbrev", "--format=commit %H", "--", "schemas");
        var revisions = new List<Revision>();
        var commit = "";
        foreach (var line in log.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("commit ", StringComparison.Ordinal))
            {
                commit = line["commit ".Length..].Split(' ')[0];
            }
            else if (line.StartsWith(':') && line.Split('\t') is [var meta, var path])
            {
                // ":<old mode> <new mode> <old blob> <new blob> <status>": a deletion's content is the old blob.
                var fields = meta.Split(' ');
                revisions.Add(new Revision(path, fields[4].StartsWith('D') ? fields[2] : fields[3], commit));
            }
        }

        return revisions;
    }

    /// <summary>The contents of <paramref name="blobs"/>, read by one <c>git cat-file --batch</c>.</summary>
    private static Dictionary<string, string> ReadBlobs(string repoRoot, IReadOnlyList<string> blobs)
    {
        var (exit, output, stderr) = Git(repoRoot, string.Join('\n', blobs) + "\n", "cat-file", "--batch");
        if (exit != 0)
        {
            throw new InvalidOperationException($"git cat-file --batch failed (exit {exit}): {stderr}");
        }

        // Each answer is "<blob> blob <size>\n", then <size> bytes of content, then "\n".
        var contents = new Dictionary<string, string>(StringComparer.Ordinal);
        var at = 0;
        foreach (var blob in blobs)
        {
            var end = Array.IndexOf(output, (byte)'\n', at);
            var header = Encoding.UTF8.GetString(output, at, end - at);
            if (header.Split(' ') is not [_, "blob", var sizeText] || !int.TryParse(sizeText, CultureInfo.InvariantCulture, out var size))
            {
                throw new InvalidOperationException($"git cat-file --batch: unexpected answer '{header}' for {blob}");
            }

            contents[blob] = Encoding.UTF8.GetString(output, end + 1, size);
            at = end + 1 + size + 1;
        }

        return contents;
    }

    private static string GitOrThrow(string repoRoot, params string[] args)
    {
        var (exit, stdout, stderr) = Git(repoRoot, null, args);
        return exit == 0 ? Encoding.UTF8.GetString(stdout) : throw new InvalidOperationException($"git {string.Join(' ', args)} failed (exit {exit}): {stderr}");
    }

    private static (int ExitCode, byte[] StdOut, string StdErr) Git(string repoRoot, string? input, params string[] args)
    {
        var psi = new ProcessStartInfo("git")
        {
            WorkingDirectory = repoRoot,
            RedirectStandardInput = input is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
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
            var stdout = new MemoryStream();
            var reading = process.StandardOutput.BaseStream.CopyToAsync(stdout);
            var stderr = process.StandardError.ReadToEndAsync();
            if (input is not null)
            {
                process.StandardInput.Write(input);
                process.StandardInput.Close();
            }

            if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
            {
                process.Kill(entireProcessTree: true);
                throw new InvalidOperationException($"git {string.Join(' ', args)} did not finish within 60 s.");
            }

            reading.GetAwaiter().GetResult();
            return (process.ExitCode, stdout.ToArray(), stderr.GetAwaiter().GetResult());
        }
    }
}

/// <summary>A fact that is reported as skipped, with the reason, when git or a HEAD commit is not available (e.g. a source archive).</summary>
public sealed class GitHeadFactAttribute : FactAttribute
{
    public GitHeadFactAttribute()
    {
        if (SchemaHistory.UnavailableReason(RepoFiles.Root) is { } reason)
        {
            Skip = $"Schemas NOT checked against their committed history: {reason}.";
        }
    }
}
