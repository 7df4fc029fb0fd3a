using System.Security.Cryptography;
using System.Text;

namespace LeoPass.Recovery.Engine.Definitions;

/// <summary>A definition that passed validation, with the canonical JSON it was read from and that JSON's hash.</summary>
public sealed record LoadedDefinition(WorkflowDefinition Definition, string Source, string Content)
{
    /// <summary>SHA-256 of the canonical (compact) JSON, so re-indenting a file is not a change.</summary>
    public string ContentHash { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Content)));
}
