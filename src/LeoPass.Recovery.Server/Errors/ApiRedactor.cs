using LeoPass.Recovery.Core.Secrets;
using LeoPass.Recovery.Server.Tokens;

namespace LeoPass.Recovery.Server.Errors;

/// <summary>
/// What leaves the API (problem details, log lines) passes through here: every configured
/// secret (<see cref="SecretRedactor.Shared"/>: database passwords, S3 keys, passphrases, webhook
/// tokens) and anything shaped like an API token (<see cref="TokenFormat"/>) is masked.
/// </summary>
public static class ApiRedactor
{
    public static string Redact(string? text) => SecretRedactor.Shared.Redact(text);
}
