namespace Vks.Node.Kubernetes;

/// <summary>
/// What a write to the API server came to. Expected failures (the object is gone, a precondition failed, the API
/// server is away) are outcomes, not exceptions, so an actor can pipe the result to itself and decide.
/// </summary>
/// <param name="Detail">Why, for logs and the debug dump, when the outcome is not plain success.</param>
public sealed record ApiResult<TOutcome>(TOutcome Outcome, string? Detail = null)
    where TOutcome : struct, Enum;
