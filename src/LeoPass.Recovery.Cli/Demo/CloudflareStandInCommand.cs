using LeoPass.Recovery.Cli.Commands;

namespace LeoPass.Recovery.Cli.Demo;

/// <summary>`demo cloudflare-stand-in --data-dir DIR` (hidden): the foreground of the demo's detached Cloudflare stand-in (<see cref="DemoCloudflare"/>).</summary>
internal static class CloudflareStandInCommand
{
    public const string Name = "cloudflare-stand-in";

    public static Command Create()
    {
        var dataDir = new Option<string>("--data-dir") { Required = true };
        var command = new Command(Name, "Serve the demo's Cloudflare stand-in (started by `demo`)") { Hidden = true, Options = { dataDir } };
        command.SetActionWithoutHost(async (_, parse, cancellationToken) =>
        {
            await new DemoCloudflare(Path.Combine(Path.GetFullPath(parse.GetValue(dataDir)!), "cloudflare")).ServeAsync(cancellationToken);
            return ExitCodes.Success;
        });
        return command;
    }
}
