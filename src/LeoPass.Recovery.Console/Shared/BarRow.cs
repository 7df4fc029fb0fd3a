namespace LeoPass.Recovery.Console.Shared;

/// <summary>
/// One bar of a <see cref="HorizontalBars"/> chart.
/// </summary>
/// <param name="Fraction">Length on the scale, 0–1 (a bar never vanishes: the CSS keeps a few pixels).</param>
/// <param name="Css">The bar's colour: a <see cref="Tone"/> class when the bar is an outcome, <c>bar-neutral</c> when it is a quantity.</param>
/// <param name="Value">The number in words beside the bar, so no reading depends on the bar's length or colour alone.</param>
public sealed record BarRow(string Label, string? Href, double Fraction, string Css, string Value);
