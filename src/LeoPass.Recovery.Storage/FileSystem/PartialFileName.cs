namespace LeoPass.Recovery.Storage.FileSystem;

/// <summary>
/// Names of the temporary files an upload writes before renaming into place. They live in the
/// target's directory (so the rename is atomic) and carry the upload id, so
/// <see cref="IArtefactStore.AbortUploadAsync"/> can find a dead process's leftovers.
/// </summary>
internal static class PartialFileName
{
    public const string Prefix = ".leopass-partial-";

    public static string NewUploadId() => Guid.NewGuid().ToString("N");

    public static string For(string finalFileName, string uploadId) => $"{Prefix}{uploadId}-{finalFileName}";

    public static bool IsPartial(string fileName) => fileName.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>Upload ids are ours (32 hex digits); anything else cannot name a partial file and is ignored.</summary>
    public static bool IsWellFormedUploadId(string uploadId) =>
        uploadId.Length == 32 && uploadId.All(char.IsAsciiHexDigitLower);
}
