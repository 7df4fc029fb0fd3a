// The wire records every call sends and reads, shared with the server.
global using LeoPass.Recovery.Contracts;
