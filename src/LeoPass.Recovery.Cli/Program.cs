using LeoPass.Recovery.Cli;

return await CliApplication.RunAsync(args);
