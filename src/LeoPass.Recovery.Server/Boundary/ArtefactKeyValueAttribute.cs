using System.ComponentModel.DataAnnotations;
using LeoPass.Recovery.Backup.Artefacts;

namespace LeoPass.Recovery.Server.Boundary;

/// <summary>
/// A backup's key as the artefact format names it (or <c>latest</c>): no longer than
/// <see cref="ArtefactKey.MaxLength"/>, so a key the format cannot have is the caller's 400, never
/// a store's refusal (502).
/// </summary>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property)]
public sealed class ArtefactKeyValueAttribute() : StringLengthAttribute(ArtefactKey.MaxLength)
{
    public override string FormatErrorMessage(string name) =>
        $"{name} is not a backup key: keys are at most {ArtefactKey.MaxLength} characters " +
        "(leopass-YYYY-MM-DDTHHMMSSZ-xxxxxxxx.dump.zst.pgp, its .manifest.json, or latest); GET /api/backups lists them";
}
