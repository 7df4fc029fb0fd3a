global using Xunit;

// The tests run real PostgreSQL servers as Unix processes with Unix file modes: Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
