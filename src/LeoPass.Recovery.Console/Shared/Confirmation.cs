using MudBlazor;

namespace LeoPass.Recovery.Console.Shared;

/// <summary>What the confirmation dialog asks; <see cref="Ask"/> answers the reason typed, or null when cancelled.</summary>
public sealed record Confirmation(string Title, string Message, string ConfirmText, string? TextLabel = null, bool TextRequired = false, bool Danger = false)
{
    public async Task<string?> Ask(IDialogService dialogs)
    {
        var parameters = new DialogParameters<ConfirmDialog>
        {
            { d => d.Title, Title },
            { d => d.Message, Message },
            { d => d.ConfirmText, ConfirmText },
            { d => d.TextLabel, TextLabel },
            { d => d.TextRequired, TextRequired },
            { d => d.Danger, Danger },
        };
        var dialog = await dialogs.ShowAsync<ConfirmDialog>(Title, parameters, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, CloseOnEscapeKey = true });
        var result = await dialog.Result;
        return result is { Canceled: false, Data: string text } ? text : null;
    }
}
