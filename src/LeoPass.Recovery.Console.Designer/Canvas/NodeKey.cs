namespace LeoPass.Recovery.Console.Designer.Canvas;

/// <summary>A key pressed on a node of the canvas.</summary>
public sealed record NodeKey(int Index, string Key, bool Alt);
