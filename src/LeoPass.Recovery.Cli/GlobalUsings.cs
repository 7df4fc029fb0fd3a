// Namespaces nearly every file of this project uses, imported once.
global using System.CommandLine;
global using System.Globalization;
global using LeoPass.Recovery.Cli.Hosting;
global using LeoPass.Recovery.Cli.Output;
global using LeoPass.Recovery.Contracts;
global using LeoPass.Recovery.Core.Configuration;
global using LeoPass.Recovery.Engine.Runs;
global using LeoPass.Recovery.Engine.Execution;
