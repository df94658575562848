using System.Text.Json;
using Store.Contracts.SchemaCompatibility;

// Usage: dotnet run --project tests/SchemaCheck -- <old.json> <new.json>
// Exit codes: 0 compatible, 1 breaking changes (one line each, starting with the field path), 2 usage or unreadable input.
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: dotnet run --project tests/SchemaCheck -- <old.json> <new.json>");
    Console.Error.WriteLine("Checks that <new.json> is a backward-compatible revision of <old.json> within one major version.");
    return 2;
}

IReadOnlyList<string> problems;
try
{
    problems = SchemaCompatibilityChecker.Check(File.ReadAllText(args[0]), File.ReadAllText(args[1]));
}
catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    return 2;
}

if (problems.Count == 0)
{
    Console.WriteLine($"{args[1]} is compatible with {args[0]}.");
    return 0;
}

Console.Error.WriteLine($"{args[1]} breaks {args[0]} ({problems.Count} breaking change(s)); publish a new major version instead:");
foreach (var problem in problems)
{
    Console.Error.WriteLine("  " + problem);
}

return 1;
