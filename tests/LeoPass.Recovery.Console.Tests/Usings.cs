global using Bunit;
global using Xunit;
global using LeoPass.Recovery.Contracts;
