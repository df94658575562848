using Store.Benchmarks;

// Usage: dotnet run -c Release --project tests/Benchmarks -- [all|reads|inventory|tracking|hotpath|azurite|e2e] [--orders N] [--rate orders/s | --rates r1,r2,...]
var command = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "all";
var orders = args.SkipWhile(a => a != "--orders").Skip(1).Select(int.Parse).FirstOrDefault(5_000);
var rate = args.SkipWhile(a => a != "--rate").Skip(1).Select(int.Parse).FirstOrDefault(20);
var rates = args.SkipWhile(a => a != "--rates").Skip(1).Select(r => r.Split(',').Select(int.Parse).ToArray()).FirstOrDefault();
var commands = command == "all" ? ["reads", "inventory", "tracking", "hotpath", "azurite", "e2e"] : new[] { command };

using var storage = commands.Any(c => c is not ("hotpath" or "e2e" or "azurite")) ? await Storage.StartAsync() : null;
if (storage is not null)
{
    Report.Line(storage.StartedHere ? "Azurite: started (in memory)" : "Azurite: using the one already listening");
}

foreach (var c in commands)
{
    Report.Line($"--- {c} ---");
    switch (c)
    {
        case "reads":
            await ReadPaths.RunAsync(storage!);
            break;
        case "inventory":
            await InventoryThroughput.RunAsync(storage!, orders);
            break;
        case "tracking":
            await TrackingThroughput.RunAsync(storage!, orders);
            break;
        case "azurite":
            await AzuriteCeiling.RunAsync();
            break;
        case "hotpath":
            HotPathBenchmarks.Run();
            break;
        case "e2e":
            if (rates is not null)
            {
                await EndToEnd.RunRatesAsync(rates);
            }
            else
            {
                await EndToEnd.RunAsync(rate);
            }

            break;
        default:
            Console.Error.WriteLine($"unknown command '{c}' (all, reads, inventory, tracking, hotpath, azurite, e2e)");
            return 2;
    }
}

Report.PrintSummary();
return 0;
