// The CLI drives Linux tools (pg_dump, runuser, initdb with Unix sockets) and sets Unix file
// modes on keys and decrypted dumps: it is a Linux program, and says so to the analyzers.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
