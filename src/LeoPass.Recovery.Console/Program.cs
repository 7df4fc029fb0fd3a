using LeoPass.Recovery.Console;
using LeoPass.Recovery.Console.Api;
using LeoPass.Recovery.Console.Auth;
using LeoPass.Recovery.Console.Live;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Components.WebAssembly.Hosting;
using MudBlazor.Services;

var builder = WebAssemblyHostBuilder.CreateDefault(args);
builder.RootComponents.Add<App>("#app");
builder.RootComponents.Add<HeadOutlet>("head::after");

// Same origin as the API: the console is served by the server it talks to.
builder.Services.AddScoped(_ => new HttpClient { BaseAddress = new Uri(builder.HostEnvironment.BaseAddress) });
builder.Services.AddScoped<TokenSession>();
builder.Services.AddScoped<IApiCredentials>(sp => sp.GetRequiredService<TokenSession>());
builder.Services.AddScoped<RecoveryApi>();
builder.Services.AddScoped<RunEvents>();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddMudServices();

await builder.Build().RunAsync();
