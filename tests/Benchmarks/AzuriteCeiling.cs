using Store.LocalHost.Storage;

namespace Store.Benchmarks;

/// <summary>
/// Azurite's own ceiling on this machine: closed-loop clients (no pacing) sending the request mix the pipeline sends
/// (entity-group transactions of a state row, its outbox marker and an applied mark, and point reads of those rows)
/// to a fresh in-memory Azurite for a fixed time. Prints requests per second and Azurite's (node) CPU per request, the
/// numbers that bound orders per second at a given count of Table requests per order.
/// </summary>
internal static class AzuriteCeiling
{
    private const int Clients = 16;
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(10);

    public static async Task<double> RunAsync()
    {
        await using var azurite = await FreshAzurite.StartAsync(CancellationToken.None).ConfigureAwait(false);
        var table = new TableServiceClient(azurite.ConnectionString).GetTableClient("ceiling");
        await table.CreateIfNotExistsAsync().ConfigureAwait(false);
        var state = new string('s', 600);
        var requests = 0L;
        var cpuBefore = azurite.ProcessorTime;
        var clock = Stopwatch.StartNew();
        await Parallel.ForAsync(0, Clients, async (client, ct) =>
        {
            for (var i = 0; clock.Elapsed < Duration; i++)
            {
                var partition = $"p{client}-{i}";
                await table.SubmitTransactionAsync(
                [
                    new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(partition, "row") { ["State"] = state, ["Positions"] = "{\"hub/0\":1}" }),
                    new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(partition, "~~outbox~row")),
                    new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(partition, "~~applied~row~|e" + i)),
                ], ct).ConfigureAwait(false);
                await table.GetEntityIfExistsAsync<TableEntity>(partition, "row", cancellationToken: ct).ConfigureAwait(false);
                Interlocked.Add(ref requests, 2);
            }
        }).ConfigureAwait(false);
        var seconds = clock.Elapsed.TotalSeconds;
        var cpu = azurite.ProcessorTime - cpuBefore;
        var perSecond = requests / seconds;
        Report.Summary($"(d) Azurite ceiling ({Clients} closed-loop clients, {Duration.TotalSeconds:0} s, half 3-entity transactions, half point reads): " +
            $"{Report.F(perSecond, "0")} requests/s, Azurite CPU {Report.F(cpu.TotalMilliseconds / requests, "0.00")} ms per request ({Report.F(cpu.TotalSeconds / seconds * 100, "0")}% of one core)");
        return perSecond;
    }
}
