using System.Buffers.Text;
using System.Security.Cryptography;
using LeoPass.Recovery.Core.Secrets;
using System.Text;

namespace LeoPass.Recovery.Server.Tokens;

/// <summary>
/// Tokens look like <c>lpr_</c> + 43 base64url characters (256 random bits). The prefix makes a
/// leaked token easy to recognise (secret scanners, log masks); the randomness makes an
/// unsalted SHA-256 a safe thing to store and look up by.
/// </summary>
public static class TokenFormat
{
    public const string Prefix = SecretRedactor.ApiTokenPrefix;

    /// <summary>How much of a token <c>token list</c> may show.</summary>
    public const int VisiblePrefixLength = 8;

    public static string NewToken() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public static bool LooksLikeToken(string text) => text.StartsWith(Prefix, StringComparison.Ordinal) && text.Length is > 10 and < 200;
}
