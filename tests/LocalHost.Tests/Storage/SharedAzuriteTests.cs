using Azure.Storage.Blobs;

namespace Store.LocalHost.Tests.Storage;

/// <summary>
/// The tests' shared Azurite (<see cref="Azurite.ShareProcesses"/>): every fresh Azurite a test asks for is empty, as a
/// new process was, and stopping one leaves the others' storage alone.
/// </summary>
public sealed class SharedAzuriteTests
{
    [Fact]
    public async Task Fresh_azurites_are_separate_empty_accounts_and_disposing_one_leaves_the_others_working()
    {
        Assert.True(Azurite.ShareProcesses);
        var first = await FreshAzurite.StartAsync(CancellationToken.None);
        await using var second = await FreshAzurite.StartAsync(CancellationToken.None);
        await using var third = await FreshAzurite.StartAsync(CancellationToken.None);
        Assert.Equal(3, new[] { first, second, third }.Select(a => a.ConnectionString).Distinct().Count());

        await new TableServiceClient(first.ConnectionString).CreateTableAsync("isolated");
        await new BlobServiceClient(first.ConnectionString).CreateBlobContainerAsync("isolated");
        foreach (var other in new[] { second, third })
        {
            Assert.Empty(new TableServiceClient(other.ConnectionString).QueryAsync().ToBlockingEnumerable());
            Assert.Empty(new BlobServiceClient(other.ConnectionString).GetBlobContainersAsync().ToBlockingEnumerable());
        }

        await first.DisposeAsync();
        foreach (var other in new[] { second, third })
        {
            await new TableServiceClient(other.ConnectionString).CreateTableAsync("stillthere");
        }
    }
}
