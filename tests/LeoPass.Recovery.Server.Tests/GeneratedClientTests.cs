using System.Net;
using System.Xml.Linq;
using LeoPass.Recovery.Server.Tests.Support;
using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.Server.Tests;

/// <summary>
/// What a caller who drives drills from its own code does: generate a client from the document
/// the server serves (/openapi/v1.json, OpenAPI 3.1) with Kiota (the local dotnet tool of
/// dotnet-tools.json), compile it, and start a run with it.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class GeneratedClientTests(ApiHost host)
{
    private static readonly string[] KiotaPackages =
    [
        "Microsoft.Kiota.Abstractions", "Microsoft.Kiota.Http.HttpClientLibrary", "Microsoft.Kiota.Serialization.Json",
        "Microsoft.Kiota.Serialization.Text", "Microsoft.Kiota.Serialization.Form", "Microsoft.Kiota.Serialization.Multipart",
    ];

    [Fact]
    public async Task A_Kiota_client_generated_from_the_served_document_compiles_and_starts_a_run()
    {
        var work = Directory.CreateTempSubdirectory("leopass-kiota-").FullName;
        using var document = await host.Client(null).GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
        var openApi = Path.Combine(work, "openapi.json");
        await File.WriteAllTextAsync(openApi, await document.Content.ReadAsStringAsync());

        // Kiota as a caller runs it; offline: no update check, no telemetry.
        var offline = new Dictionary<string, string>
        {
            ["KIOTA_OFFLINE_ENABLED"] = "true", ["KIOTA_CLI_TELEMETRY_OPTOUT"] = "true", ["KIOTA_TUTORIAL_ENABLED"] = "false",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1",
        };
        var generate = await ExternalTool.RunAsync("dotnet",
            ["tool", "run", "kiota", "--", "generate", "--language", "CSharp", "--openapi", openApi, "--output", Path.Combine(work, "Client"),
             "--class-name", "RecoveryClient", "--namespace-name", "LeoPass.Generated", "--exclude-backward-compatible", "--log-level", "Warning"],
            offline, workingDirectory: RepositoryRoot.Path, timeout: TimeSpan.FromMinutes(5));
        Assert.True(generate.ExitCode == 0, $"kiota generate failed:\n{generate}");

        // A program a caller would write, built only from the packages folder the suite's restore filled.
        var source = Path.Combine(RepositoryRoot.Path, "tests", "LeoPass.Recovery.Server.Tests", "GeneratedClient");
        File.Copy(Path.Combine(source, "Program.cs"), Path.Combine(work, "Program.cs"));
        await File.WriteAllTextAsync(Path.Combine(work, "StartRun.csproj"), ProjectFile());
        var build = await ExternalTool.RunAsync("dotnet",
            ["build", Path.Combine(work, "StartRun.csproj"), "-c", "Release", "-nologo", "-v", "q", "-clp:ErrorsOnly", "--source", PackagesFolder, "-o", Path.Combine(work, "out")],
            offline, workingDirectory: work, timeout: TimeSpan.FromMinutes(8));
        Assert.True(build.ExitCode == 0, $"the generated client did not compile:\n{build}");

        var run = await ExternalTool.RunAsync("dotnet", [Path.Combine(work, "out", "StartRun.dll"), host.BaseAddress.ToString(), host.OperatorToken, TestDefinitions.Drill],
            offline, workingDirectory: work, timeout: TimeSpan.FromMinutes(2));
        Assert.True(run.ExitCode == 0, $"the generated client's call failed:\n{run}");
        var id = long.Parse(run.StandardOutput.Trim(), System.Globalization.CultureInfo.InvariantCulture);

        var details = await host.Viewer.WaitForAsync(id, "Succeeded");
        Assert.Equal(TestDefinitions.Drill, details["run"]!["definitionId"]!.GetValue<string>());
        Assert.Equal("token:ci-operator", details["run"]!["startedBy"]!.GetValue<string>());
        Assert.Equal("api", details["run"]!["trigger"]!.GetValue<string>());
        Directory.Delete(work, recursive: true);
    }

    /// <summary>Where restore keeps packages: the suite's restore put the Kiota runtime there (this project restores it unused).</summary>
    private static string PackagesFolder =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } folder ? folder
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    /// <summary>The generated project, with the Kiota versions of Directory.Packages.props (the versions this suite restored).</summary>
    private static string ProjectFile()
    {
        var versions = XDocument.Load(Path.Combine(RepositoryRoot.Path, "Directory.Packages.props")).Descendants("PackageVersion")
            .ToDictionary(p => (string)p.Attribute("Include")!, p => (string)p.Attribute("Version")!);
        var references = new XElement("ItemGroup", KiotaPackages.Select(p => new XElement("PackageReference", new XAttribute("Include", p), new XAttribute("Version", versions[p]))));
        return new XElement("Project", new XAttribute("Sdk", "Microsoft.NET.Sdk"),
            new XElement("PropertyGroup",
                new XElement("OutputType", "Exe"), new XElement("TargetFramework", "net10.0"),
                new XElement("Nullable", "enable"), new XElement("ImplicitUsings", "enable")),
            references).ToString();
    }
}
