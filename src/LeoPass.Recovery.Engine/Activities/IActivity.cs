namespace LeoPass.Recovery.Engine.Activities;

/// <summary>
/// One runbook step's work: dump a database, upload an artefact, quarantine traffic, …
/// The engine runs an activity once per attempt of a step; everything around it (journal,
/// retries, timeouts, approval gates, distribution across nodes) is the engine's job.
/// </summary>
/// <remarks>
/// Contract every implementation must keep:
/// <list type="bullet">
/// <item><b>Idempotent.</b> An attempt may be cut off at any instruction (a node killed mid-step,
/// a timeout, an abort) and the step is then executed again as a new attempt, possibly on another
/// node. Running it twice must leave the world as running it once would: check before you create,
/// name things deterministically from the run id, overwrite rather than append.</item>
/// <item><b>Intent first.</b> Before touching anything outside the process, call
/// <see cref="ActivityContext.RecordIntentAsync"/> with what is about to be touched (the database,
/// the object key, the DNS rule). The note is committed to the journal before the call returns,
/// so a responder reading a crashed run knows what may be half-done.</item>
/// <item><b>Cancellable.</b> Honour the token: it fires on the step's timeout, on an abort of the
/// run and on node shutdown. An activity that ignores it holds its node until it returns.</item>
/// <item><b>Failure is an exception.</b> Any exception fails the attempt and its message goes to
/// the journal (keep it free of secrets); the step's retry policy decides whether another attempt
/// follows. Throw <see cref="ActivityFailedException"/> with <c>retryable: false</c> when trying
/// again cannot help (bad input, a refused precondition).</item>
/// <item><b>Small output.</b> The result's output is a small JSON object (ids, keys, counts,
/// timings) that later steps read as <c>${steps.&lt;id&gt;.output.&lt;field&gt;}</c>; it is
/// limited to <see cref="ActivityResult.MaxOutputBytes"/>. Large data goes to storage, with its
/// key in the output.</item>
/// </list>
/// Implementations are resolved from DI per attempt (transient), so constructor injection of
/// settings and clients works; register them with
/// <see cref="ActivityServiceCollectionExtensions.AddActivity{TActivity}"/>.
/// </remarks>
public interface IActivity
{
    Task<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken);
}

/// <summary>
/// Declares an activity's type name and parameters without an instance, so definitions can be
/// validated (and listed by the API) without constructing activities or their dependencies.
/// </summary>
public interface IActivityDeclaration
{
    static abstract ActivityDescriptor Descriptor { get; }
}
