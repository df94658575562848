using Infra.Tests.Support;

namespace Infra.Tests;

[Collection(InfraCollection.Name)]
public sealed class TemplateCompilationTests(InfraFixture infra)
{
    public static TheoryData<string> BicepFiles() => new(Repo.BicepFiles().Select(Repo.Relative));

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public void Every_template_builds_without_any_diagnostic(string file)
    {
        var (result, json) = infra.Builds[file];

        Assert.True(result.ExitCode == 0, $"bicep build {file} failed:\n{result.StdErr}");
        Assert.Empty(result.Diagnostics);
        Assert.False(string.IsNullOrWhiteSpace(json));
    }

    [Fact]
    public void Linting_every_template_reports_nothing()
    {
        var result = BicepCli.Run("lint", "--pattern", "infra/**/*.bicep");

        Assert.True(result.ExitCode == 0, $"bicep lint failed:\n{result.StdErr}\n{result.StdOut}");
        Assert.Empty(result.Diagnostics);
        Assert.DoesNotContain("warning", result.StdErr, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void The_repository_linter_configuration_turns_a_warning_into_a_failure()
    {
        // A template with an unused parameter is only a warning under the default configuration.
        var dir = Directory.CreateTempSubdirectory("bicepconfig-");
        try
        {
            File.Copy(Path.Combine(Repo.Infra, "bicepconfig.json"), Path.Combine(dir.FullName, "bicepconfig.json"));
            var file = Path.Combine(dir.FullName, "sloppy.bicep");
            File.WriteAllText(file, "param unused string\n");

            var result = BicepCli.Run("lint", file);

            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains(result.Diagnostics, d => d.Contains("Error no-unused-params", StringComparison.Ordinal));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Main_template_targets_the_subscription_and_loads_the_catalog()
    {
        var main = File.ReadAllText(Path.Combine(Repo.Infra, "main.bicep"));

        Assert.Contains("targetScope = 'subscription'", main, StringComparison.Ordinal);
        Assert.Contains("loadJsonContent('../schemas/catalog.json')", main, StringComparison.Ordinal);
        Assert.Contains("loadJsonContent('abbreviations.json')", main, StringComparison.Ordinal);
    }

    [Fact]
    public void Parameters_file_takes_the_azd_environment()
    {
        var parameters = File.ReadAllText(Path.Combine(Repo.Infra, "main.parameters.json"));

        Assert.Contains("${AZURE_ENV_NAME}", parameters, StringComparison.Ordinal);
        Assert.Contains("${AZURE_LOCATION}", parameters, StringComparison.Ordinal);
        Assert.Contains("${AZURE_PRINCIPAL_ID}", parameters, StringComparison.Ordinal);
    }
}
