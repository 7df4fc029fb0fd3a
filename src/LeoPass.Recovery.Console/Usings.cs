// The wire records every page reads and sends, shared with the server.
global using LeoPass.Recovery.Contracts;
