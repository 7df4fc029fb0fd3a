namespace LeoPass.Recovery.Storage.FileSystem;

public sealed record FileSystemStoreOptions
{
    /// <summary>Mode of every directory the store creates (backups are private: 0700 by default).</summary>
    public UnixFileMode DirectoryMode { get; init; } = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Mode of every artefact file the store creates (0600 by default).</summary>
    public UnixFileMode FileMode { get; init; } = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Size of the copy buffer; memory use per upload does not grow beyond it.</summary>
    public int BufferSize { get; init; } = 1024 * 1024;
}
