namespace Vks.Systemd.DBus;

/// <summary>What typed callers (the systemd API) need from a bus connection: method calls and signal
/// subscriptions. <see cref="DBusConnection"/> is one connection; <see cref="ReconnectingDBusConnection"/>
/// survives bus restarts.</summary>
public interface IDBusConnection
{
    /// <summary>Calls a method and waits for its reply, ignoring the reply's body. An error reply throws
    /// <see cref="DBusErrorException"/>; no reply within the timeout throws <see cref="TimeoutException"/>; a lost
    /// connection throws <see cref="DBusConnectionClosedException"/>.</summary>
    /// <param name="signature">The signature of what <paramref name="writeBody"/> writes; null for no arguments.</param>
    /// <param name="timeout">Null for the connection's default.</param>
    Task CallMethodAsync(
        string destination,
        string path,
        string @interface,
        string member,
        string? signature = null,
        BodyWriter? writeBody = null,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default);

    /// <summary>Calls a method and decodes its reply with <paramref name="readReply"/>.</summary>
    Task<T> CallMethodAsync<T>(
        string destination,
        string path,
        string @interface,
        string member,
        string? signature,
        BodyWriter? writeBody,
        BodyReader<T> readReply,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default);

    /// <summary>Calls a method and returns its whole reply message (an error reply throws, as above). The reply's
    /// <see cref="Message.Sender"/> and <see cref="Message.Serial"/> place it among the signals of the same sender:
    /// a sender numbers everything it sends in order, so a signal with a lower serial was sent before the reply.
    /// Replies and signals reach their handlers on different tasks, so the serial is the only way to tell.</summary>
    Task<Message> CallAsync(
        string destination,
        string path,
        string @interface,
        string member,
        string? signature = null,
        BodyWriter? writeBody = null,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default);

    /// <summary>Adds <paramref name="rule"/> on the bus and calls <paramref name="handler"/> for each matching
    /// signal, in order, on the subscription's own task. Disposing the subscription removes the match.</summary>
    Task<SignalSubscription> SubscribeAsync(MatchRule rule, Action<Message> handler, CancellationToken cancellationToken = default);
}
