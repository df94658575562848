namespace Store.LocalHost.Tests;

/// <summary>Every command documents itself: <c>--help</c> prints its options to standard output and exits 0.</summary>
public sealed class CliHelpTests
{
    [Theory]
    [InlineData(new[] { "--help" }, "--fresh-azurite")]
    [InlineData(new[] { "demo", "-h" }, "--orders")]
    [InlineData(new[] { "replay", "--help" }, "--redeliver-dead-letters")]
    [InlineData(new[] { "rebuild", "--help" }, "--host-storage")]
    [InlineData(new[] { "deadletters", "list", "--help" }, "--context")]
    public async Task Help_OfEachCommand_ListsItsOptions_AndExitsZero(string[] args, string option)
    {
        var (exit, output, error) = await CliRunner.RunAsync(args);

        Assert.Equal(0, exit);
        Assert.Contains(option, output, StringComparison.Ordinal);
        Assert.Equal("", error);
    }

    [Fact]
    public async Task AMistake_IsOneLineOnStandardError_PointingToTheCommandsHelp()
    {
        var (exit, _, error) = await CliRunner.RunAsync("deadletters", "list", "--dir", "d", "--colour", "x");

        Assert.Equal(Cli.UsageError, exit);
        Assert.Equal("error: unknown option '--colour' (options here: --dir, --context). Try 'deadletters list --help'." + Environment.NewLine, error);
    }
}
