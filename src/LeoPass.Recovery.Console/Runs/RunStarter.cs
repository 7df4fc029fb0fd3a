using LeoPass.Recovery.Console.Api;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace LeoPass.Recovery.Console.Runs;

/// <summary>Opens the start dialog and, once the run exists, its page (where it can be watched live).</summary>
public static class RunStarter
{
    public static async Task StartAsync(IDialogService dialogs, NavigationManager navigation, DefinitionSummary definition, IReadOnlyDictionary<string, string>? preset = null)
    {
        var parameters = new DialogParameters<StartRunDialog> { { d => d.Definition, definition }, { d => d.Preset, preset } };
        var dialog = await dialogs.ShowAsync<StartRunDialog>($"Start {definition.Title}", parameters,
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, CloseOnEscapeKey = true });
        if (await dialog.Result is { Canceled: false, Data: long runId }) navigation.NavigateTo($"runs/{runId}");
    }
}
