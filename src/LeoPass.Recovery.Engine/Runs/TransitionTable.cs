using Stateless;

namespace LeoPass.Recovery.Engine.Runs;

/// <summary>
/// The allowed transitions of one kind of thing (run or step) as data, so the same table
/// configures the Stateless machine and explains a refusal ("retry is allowed only when it is
/// Halted"). The machine reads and writes the state on the persisted record (external state
/// accessor), so a transition is a change to the row that the caller then saves.
/// </summary>
internal sealed class TransitionTable<TState, TTrigger>
    where TState : struct, Enum
    where TTrigger : struct, Enum
{
    private readonly List<(TState From, TTrigger Trigger, Func<TState> To)> _rows = [];

    public TransitionTable<TState, TTrigger> Allow(TState from, TTrigger trigger, TState to)
    {
        _rows.Add((from, trigger, () => to));
        return this;
    }

    /// <summary>A transition whose destination depends on the record (e.g. which side of a gate was approved).</summary>
    public TransitionTable<TState, TTrigger> AllowDynamic(TState from, TTrigger trigger, Func<TState> to)
    {
        _rows.Add((from, trigger, to));
        return this;
    }

    public IReadOnlyList<TState> SourcesOf(TTrigger trigger) => _rows.Where(r => r.Trigger.Equals(trigger)).Select(r => r.From).Distinct().ToList();

    public IReadOnlyList<TTrigger> TriggersFrom(TState state) => _rows.Where(r => r.From.Equals(state)).Select(r => r.Trigger).Distinct().ToList();

    public StateMachine<TState, TTrigger> Machine(Func<TState> read, Action<TState> write, Func<TState, TTrigger, Exception> refuse)
    {
        var machine = new StateMachine<TState, TTrigger>(read, write);
        foreach (var group in _rows.GroupBy(r => r.From))
        {
            var state = machine.Configure(group.Key);
            foreach (var row in group)
            {
                state.PermitDynamic(row.Trigger, row.To);
            }
        }
        machine.OnUnhandledTrigger((s, t) => throw refuse(s, t));
        return machine;
    }
}
