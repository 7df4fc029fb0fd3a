using System.Security.Claims;
using LeoPass.Recovery.Backup.Artefacts;
using LeoPass.Recovery.Backup.Catalogue;
using LeoPass.Recovery.Backup.Reading;
using LeoPass.Recovery.Backup.Verification;
using LeoPass.Recovery.Core.Configuration;
using LeoPass.Recovery.Engine.Definitions;
using LeoPass.Recovery.Engine.Journal;
using LeoPass.Recovery.Engine.Runs;
using LeoPass.Recovery.Server.Boundary;
using LeoPass.Recovery.Server.Errors;
using LeoPass.Recovery.Server.Idempotency;
using LeoPass.Recovery.Server.Roles;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using BackupSummary = LeoPass.Recovery.Contracts.BackupSummary;
using BackupVerification = LeoPass.Recovery.Contracts.BackupVerification;
using RestoreVerification = LeoPass.Recovery.Contracts.RestoreVerification;
using RunDetails = LeoPass.Recovery.Contracts.RunDetails;

namespace LeoPass.Recovery.Server.Apis;

/// <summary>/api/backups: the catalogue, manifests, a backup now (a run of the definition with purpose backup), verification.</summary>
public static class BackupsApi
{
    public static RouteGroupBuilder MapBackupsApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/backups").WithTags("Backups").RequireAuthorization(RolePolicies.Viewer);
        api.MapGet("/", ListBackups).WithName("ListBackups").WithSummary("Catalogued backups, newest first");
        api.MapGet("/{key}", GetManifest).WithName("GetBackupManifest").ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity).WithSummary("A backup's manifest, read from the store ('latest' = newest verified)");
        api.MapPost("/run", RunBackupNow).WithName("RunBackupNow").ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity).RequireAuthorization(RolePolicies.Operator)
            .WithSummary("Start a run of the backup definition (\"purpose\": \"backup\") now; honours Idempotency-Key. Follow it at /api/runs/{id}");
        api.MapPost("/{key}/restore-verification", VerifyByRestore).WithName("VerifyBackupByRestore").ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Prove the backup restores: start a run of the restore verification definition (\"purpose\": \"verify\") on it; honours Idempotency-Key. Follow it at /api/runs/{id}");
        api.MapPost("/{key}/verify", VerifyBackup).WithName("VerifyBackup").ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity).RequireAuthorization(RolePolicies.Operator)
            .WithSummary("Download the backup and check it against its manifest (decrypting it when this node holds the private key)");
        return api;
    }

    public static async Task<Ok<IReadOnlyList<BackupSummary>>> ListBackups(BackupCatalogue catalogue, CancellationToken cancellationToken) =>
        TypedResults.Ok<IReadOnlyList<BackupSummary>>((await catalogue.ListAsync(cancellationToken)).Select(b => new BackupSummary(
            b.Key, b.DatabaseName, b.SnapshotStartedAt, b.CreatedAt, b.StoredBytes, b.DumpBytes, b.Sha256, b.UploadVerification, b.Compression,
            b.LastVerifiedAt, b.LastVerifyResult, RestoreVerificationOf(b))).ToList());

    internal static RestoreVerification? RestoreVerificationOf(CatalogueEntry b) =>
        b.RestoreVerifiedAt is null && b.RestoreVerifyFailedAt is null ? null
            : new RestoreVerification(b.RestoreVerifiedAt, b.RestoreVerifiedRunId, b.RestoreVerifiedTables, b.RestoreVerifiedSummary,
                b.RestoreVerifyFailedAt, b.RestoreVerifyFailure);

    public static async Task<Ok<BackupManifest>> GetManifest([ArtefactKeyValue] string key, ArtefactReader reader, BackupCatalogue catalogue, CancellationToken cancellationToken)
    {
        if (string.Equals(key, "latest", StringComparison.OrdinalIgnoreCase) && await catalogue.LatestVerifiedAsync(cancellationToken) is null)
        {
            throw new NotFoundException("there is no verified backup in the catalogue yet: run one with POST /api/backups/run");
        }
        return TypedResults.Ok(await reader.ResolveAsync(key, cancellationToken));
    }

    public static async Task<Results<Accepted<RunDetails>, Ok<RunDetails>, ValidationProblem, ProblemHttpResult>> RunBackupNow(
        BackupRunBody? body, [FromHeader(Name = RunsApi.IdempotencyKeyHeader)] string? idempotencyKey,
        ClaimsPrincipal user, IdempotentRunStarter starter, RunQueries queries, DefinitionCatalog definitions, HttpContext http, CancellationToken cancellationToken) =>
        await StartAsync(() => definitions.BackupDefinitionAsync(cancellationToken), body?.Parameters ?? [], idempotencyKey, user, starter, queries, http, cancellationToken);

    public static async Task<Results<Accepted<RunDetails>, Ok<RunDetails>, ValidationProblem, ProblemHttpResult>> VerifyByRestore(
        [ArtefactKeyValue] string key, [FromHeader(Name = RunsApi.IdempotencyKeyHeader)] string? idempotencyKey,
        ClaimsPrincipal user, IdempotentRunStarter starter, RunQueries queries, DefinitionCatalog definitions, HttpContext http, CancellationToken cancellationToken) =>
        await StartAsync(() => definitions.VerifyDefinitionAsync(cancellationToken), new Dictionary<string, string> { ["backup"] = key }, idempotencyKey, user, starter, queries, http, cancellationToken);

    /// <summary>Starts a run of the definition found by its purpose, as its policy allows, honouring Idempotency-Key: 202 (new) or 200 (replayed).</summary>
    private static async Task<Results<Accepted<RunDetails>, Ok<RunDetails>, ValidationProblem, ProblemHttpResult>> StartAsync(
        Func<Task<WorkflowDefinition>> find, IReadOnlyDictionary<string, string> parameters, string? idempotencyKey,
        ClaimsPrincipal user, IdempotentRunStarter starter, RunQueries queries, HttpContext http, CancellationToken cancellationToken)
    {
        var validation = new Validation().Check(idempotencyKey is null || idempotencyKey.Length is > 0 and <= IdempotentRunStarter.MaxKeyLength,
            RunsApi.IdempotencyKeyHeader, $"the Idempotency-Key header must be 1–{IdempotentRunStarter.MaxKeyLength} characters");
        if (!validation.IsValid) return validation.Result();
        var caller = user.Caller();
        var definition = await find();
        var required = RolePolicies.ToStart(definition);
        if (!caller.Has(required)) return RunsApi.Forbidden(caller, required, $"start '{definition.Id}'");
        var request = new StartRunRequest(definition.Id, parameters, caller.Who, "api");
        var outcome = await starter.StartAsync(request, idempotencyKey, caller, cancellationToken);
        var run = await queries.DetailsAsync(outcome.RunId, cancellationToken);
        if (!outcome.Replayed) return TypedResults.Accepted($"/api/runs/{outcome.RunId}", run);
        http.Response.Headers["Idempotent-Replayed"] = "true";
        return TypedResults.Ok(run);
    }

    public static async Task<Ok<BackupVerification>> VerifyBackup([ArtefactKeyValue] string key, BackupVerifier verifier, RecoverySettings settings, CancellationToken cancellationToken)
    {
        // A backup host holds the public key only: it can still prove the stored bytes match the manifest.
        var decrypt = settings.Backup.DecryptionPrivateKeyPath is not null;
        var result = await verifier.VerifyAsync(key, decrypt, observer: null, cancellationToken);
        return TypedResults.Ok(new BackupVerification(result.Manifest.Key, decrypt, result.Sha256, result.StoredBytes, result.DumpBytes, result.Duration));
    }
}
