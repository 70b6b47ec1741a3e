namespace Vks.Actors.Ports;

/// <summary>What a write to the API server came to, in the terms the actors act on.</summary>
public enum ApiWriteOutcome
{
    /// <summary>Written (or, for a delete, the object is already gone).</summary>
    Done,

    /// <summary>The object is gone, or its name now belongs to another object (another UID): stop writing to it.</summary>
    Gone,

    /// <summary>The API server is away or overloaded, or someone else wrote meanwhile: try again later.</summary>
    Unavailable,
}

/// <param name="Detail">Why, for logs and the debug dump, when the outcome is not plain success.</param>
public sealed record ApiWriteResult(ApiWriteOutcome Outcome, string? Detail = null)
{
    public static readonly ApiWriteResult Done = new(ApiWriteOutcome.Done);
}
