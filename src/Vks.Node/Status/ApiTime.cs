namespace Vks.Node.Status;

/// <summary>
/// Times as the API server keeps them: metav1.Time has whole seconds, so everything vks writes is cut to the second.
/// A status built twice from the same facts is then equal to what the API server handed back.
/// </summary>
public static class ApiTime
{
    public static DateTime From(DateTimeOffset time)
    {
        var utc = time.UtcDateTime;
        return new DateTime(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
    }

    public static DateTime? From(DateTimeOffset? time) => time is null ? null : From(time.Value);

    /// <summary>Normalises a time read back from a Kubernetes object the same way (UTC, whole seconds).</summary>
    public static DateTime? Normalize(DateTime? time) =>
        time switch
        {
            null => null,
            { Kind: DateTimeKind.Unspecified } unspecified => From(new DateTimeOffset(unspecified, TimeSpan.Zero)),
            { } known => From(new DateTimeOffset(known)),
        };
}
