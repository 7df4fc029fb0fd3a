using CliWrap.Buffered;

namespace LeoPass.Recovery.Backup.Tests.Encryption;

/// <summary>
/// A throw-away GNUPGHOME, so tests use real gpg without touching the user's keyring. Short path
/// under /tmp because gpg-agent's socket path must fit in 108 bytes.
/// </summary>
public sealed class GpgHome : IDisposable
{
    public GpgHome()
    {
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("the gpg tests run on Linux, like the product");
        Path = Directory.CreateTempSubdirectory("lpgpg").FullName;
        File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        // Loopback pinentry lets --passphrase work in batch mode.
        File.WriteAllText(System.IO.Path.Combine(Path, "gpg-agent.conf"), "allow-loopback-pinentry\n");
    }

    public string Path { get; }

    public Task<BufferedCommandResult> RunAsync(params string[] arguments) =>
        ExternalTool.RunAsync("gpg", ["--homedir", Path, "--batch", "--no-tty", .. arguments]);

    public Task ImportAsync(string keyFile) => RunAsync("--import", keyFile);

    public Task DecryptAsync(string input, string output, string? passphrase = null) =>
        passphrase is null
            ? RunAsync("--yes", "--output", output, "--decrypt", input)
            : RunAsync("--yes", "--pinentry-mode", "loopback", "--passphrase", passphrase, "--output", output, "--decrypt", input);

    public Task EncryptAsync(string input, string output, string recipientFingerprint) =>
        RunAsync("--yes", "--trust-model", "always", "--recipient", recipientFingerprint, "--output", output, "--encrypt", input);

    /// <summary>
    /// Generates an unprotected key with gpg itself and returns its fingerprint. "default" is gpg
    /// 2.2's default, an RSA-3072 primary key and an RSA-3072 encryption subkey; "future-default"
    /// is gpg 2.3's, Ed25519 with a Curve25519 (ECDH) encryption subkey.
    /// </summary>
    public async Task<string> GenerateKeyAsync(string userId, string expiry = "never", string algorithm = "default")
    {
        await RunAsync("--pinentry-mode", "loopback", "--passphrase", "", "--quick-gen-key", userId, algorithm, "default", expiry);
        var listing = await RunAsync("--with-colons", "--list-keys", userId);
        return listing.StandardOutput.Split('\n').First(line => line.StartsWith("fpr:", StringComparison.Ordinal)).Split(':')[9];
    }

    public async Task ExportPublicAsync(string fingerprint, string file) =>
        await File.WriteAllTextAsync(file, (await RunAsync("--armor", "--export", fingerprint)).StandardOutput);

    public async Task ExportSecretAsync(string fingerprint, string file) =>
        await File.WriteAllTextAsync(file, (await RunAsync("--pinentry-mode", "loopback", "--passphrase", "", "--armor", "--export-secret-keys", fingerprint)).StandardOutput);

    public void Dispose()
    {
        // Each GNUPGHOME starts its own gpg-agent; stop it before removing its socket directory.
        try
        {
            ExternalTool.RunAsync("gpgconf", ["--homedir", Path, "--kill", "all"]).GetAwaiter().GetResult();
        }
        catch (InvalidOperationException)
        {
            // Best effort: a test that failed early may have started no agent.
        }
        Directory.Delete(Path, recursive: true);
    }
}
