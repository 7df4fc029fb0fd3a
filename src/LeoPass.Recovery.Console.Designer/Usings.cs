global using LeoPass.Recovery.Contracts;
