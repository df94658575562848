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

    /// <summary>The main template targets the subscription and loads the catalog; its parameters file takes the azd environment.</summary>
    [Theory]
    [InlineData("main.bicep", "targetScope = 'subscription'", "loadJsonContent('../schemas/catalog.json')", "loadJsonContent('abbreviations.json')")]
    [InlineData("main.parameters.json", "${AZURE_ENV_NAME}", "${AZURE_LOCATION}", "${AZURE_PRINCIPAL_ID}")]
    public void Main_template_and_parameters_file_hold_their_fixed_settings(string file, string first, string second, string third)
    {
        var text = File.ReadAllText(Path.Combine(Repo.Infra, file));

        Assert.All(new[] { first, second, third }, expected => Assert.Contains(expected, text, StringComparison.Ordinal));
    }
}
