namespace Vks.Systemd.DBus;

/// <summary>Settings of a <see cref="DBusConnection"/>.</summary>
public sealed record DBusConnectionOptions
{
    /// <summary>How long a call waits for its reply unless the call gives its own timeout; 25 s like libdbus.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(25);

    /// <summary>How many received messages may wait for one subscription's handler (and for the method-call
    /// handler) before it counts as stuck. A full subscription stops with
    /// <see cref="DBusSubscriptionOverflowException"/>; a full method-call queue answers LimitsExceeded.</summary>
    public int IncomingQueueCapacity { get; init; } = 16 * 1024;

    /// <summary>How many calls may await their replies at once. The bus refuses more than its
    /// max_replies_per_connection (128 on the system bus by default) with LimitsExceeded; a burst (200 pods, several
    /// calls each) would reach that, so further calls wait here for a turn instead.</summary>
    public int MaxPendingCalls { get; init; } = 100;
}
