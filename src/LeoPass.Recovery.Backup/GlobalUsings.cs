// Namespaces nearly every file of this project uses, imported once.
global using System.Text;
global using LeoPass.Recovery.Backup.Artefacts;
global using LeoPass.Recovery.Core.Configuration;
global using LeoPass.Recovery.Storage;
global using Microsoft.Extensions.Logging;
