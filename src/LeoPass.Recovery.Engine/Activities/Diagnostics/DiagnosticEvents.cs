using LeoPass.Recovery.Engine.Journal;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LeoPass.Recovery.Engine.Activities.Diagnostics;

/// <summary>Records "started"/"completed" rows in engine.diagnostic_events so executions can be counted across processes.</summary>
internal static class DiagnosticEvents
{
    public static async Task RecordAsync(ActivityContext context, string name)
    {
        var factory = context.Services.GetRequiredService<IDbContextFactory<EngineDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        db.DiagnosticEvents.Add(new DiagnosticEventRecord
        {
            RunId = context.RunId,
            StepId = context.StepId,
            Attempt = context.Attempt,
            Node = context.Identity.Node,
            Event = name,
            At = context.Time.GetUtcNow(),
        });
        await db.SaveChangesAsync();
    }
}
