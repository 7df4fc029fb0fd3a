using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.Backup.Tests.Pipeline;

/// <summary>A throw-away GNUPGHOME with the test private key imported, to decrypt as a responder would with plain gpg.</summary>
public sealed class GpgHome : IDisposable
{
    private GpgHome(string path) => Path = path;

    public string Path { get; }

    public static async Task<GpgHome> WithPrivateKeyAsync(string privateKeyPath, string passphrase)
    {
        var home = new GpgHome(Directory.CreateTempSubdirectory("leopass-gnupg-").FullName);
        var import = await ExternalTool.RunAsync("gpg", ["--homedir", home.Path, "--batch", "--pinentry-mode", "loopback", "--passphrase", passphrase, "--import", privateKeyPath]);
        Assert.True(import.ExitCode == 0, "gpg --import failed: " + import);
        return home;
    }

    public Task<CliResult> DecryptAsync(string input, string output, string passphrase) =>
        ExternalTool.RunAsync("gpg", ["--homedir", Path, "--batch", "--yes", "--pinentry-mode", "loopback", "--passphrase", passphrase, "--output", output, "--decrypt", input]);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
