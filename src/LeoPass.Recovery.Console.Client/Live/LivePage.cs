using LeoPass.Recovery.Console.Api;
using Microsoft.AspNetCore.Components;

namespace LeoPass.Recovery.Console.Live;

/// <summary>
/// A page that shows runs and re-reads them when one changes, without a reload. Changes arriving
/// while a read is under way are folded into one more read after it, so a burst of events (a drill
/// journals a dozen changes in a second) costs two reads, not a dozen.
/// </summary>
public abstract class LivePage : ComponentBase, IDisposable
{
    private bool _reading;
    private bool _again;

    [Inject] protected RunEvents Events { get; set; } = null!;

    protected override void OnInitialized() => Events.Changed += OnChanged;

    /// <summary>Whether this change concerns what the page shows (null: anything may have changed).</summary>
    protected virtual bool Concerns(RunChange? change) => true;

    /// <summary>Reads what the page shows.</summary>
    protected abstract Task ReadAsync();

    private void OnChanged(RunChange? change)
    {
        if (!Concerns(change)) return;
        _ = InvokeAsync(RefreshAsync);
    }

    protected async Task RefreshAsync()
    {
        if (_reading)
        {
            _again = true;
            return;
        }
        _reading = true;
        try
        {
            do
            {
                _again = false;
                await ReadAsync();
                StateHasChanged();
            }
            while (_again);
        }
        finally
        {
            _reading = false;
        }
    }

    public void Dispose()
    {
        Events.Changed -= OnChanged;
        GC.SuppressFinalize(this);
    }
}
