// Namespaces nearly every file of this project uses, imported once.
global using System.Globalization;
global using System.Text.Json.Nodes;
global using LeoPass.Recovery.Core.Configuration;
global using LeoPass.Recovery.Engine.Activities;
