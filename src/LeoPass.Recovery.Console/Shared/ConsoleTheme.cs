using MudBlazor;

namespace LeoPass.Recovery.Console.Shared;

/// <summary>Calm and legible: a dark blue for actions, the state colours of <see cref="Tone"/> for status, system fonts (nothing fetched from elsewhere).</summary>
public static class ConsoleTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1f4e79",
            Secondary = "#455a64",
            Success = "#2e7d32",
            Error = "#c62828",
            Warning = "#b26a00",
            Info = "#1565c0",
            AppbarBackground = "#1f2a36",
            Background = "#f6f7f9",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"] },
            // Buttons say what they do in a sentence's case, not shouted.
            Button = new ButtonTypography { TextTransform = "none", FontWeight = "600" },
        },
    };
}
