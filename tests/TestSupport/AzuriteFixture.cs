using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Azure.Data.Tables;
using Xunit;

namespace Store.TestSupport;

/// <summary>
/// A real Azurite for tests. Uses the one named by <c>AZURITE_CONNECTION_STRING</c>, or one already listening on the
/// default development ports; otherwise runs <c>npm ci</c> when needed and starts Azurite in memory on free ports,
/// and stops it afterwards. Share it with <c>ICollectionFixture&lt;AzuriteFixture&gt;</c>; isolate tests by table name.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private Process? _process;
    private int _tables;

    /// <summary>Connection string of the Azurite in use.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>Table endpoint port.</summary>
    public int TablePort { get; private set; }

    /// <summary>True when this fixture started Azurite itself.</summary>
    public bool Started => _process is not null;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        ConnectionString = await Azurite.EnsureRunningAsync(p => _process = p).ConfigureAwait(false);
        TablePort = new Uri(new TableServiceClient(ConnectionString).Uri.ToString()).Port;
    }

    /// <summary>A table client on a fresh, uniquely named table (not created yet).</summary>
    public TableClient NewTable(string prefix = "t")
    {
        var name = $"{prefix}{Interlocked.Increment(ref _tables)}x{Guid.NewGuid():N}"[..Math.Min(60, prefix.Length + 34)];
        return new TableServiceClient(ConnectionString).GetTableClient(new string(name.Where(char.IsLetterOrDigit).ToArray()));
    }

    /// <summary>A fresh, uniquely named table, created.</summary>
    public async Task<TableClient> CreateTableAsync(string prefix = "t")
    {
        var table = NewTable(prefix);
        await table.CreateIfNotExistsAsync().ConfigureAwait(false);
        return table;
    }

    /// <summary>The table service.</summary>
    public TableServiceClient TableService => new(ConnectionString);

    /// <inheritdoc />
    public Task DisposeAsync()
    {
        Azurite.Stop(_process);
        return Task.CompletedTask;
    }
}
