using System.Threading.Channels;

namespace Vks.Systemd.DBus;

/// <summary>The small server side: answering method calls sent to this connection, and emitting signals.
/// vks itself only calls systemd; tests and the benchmark use this to act as a peer.</summary>
public sealed partial class DBusConnection
{
    private const string PeerInterface = "org.freedesktop.DBus.Peer";

    private Channel<Message>? _methodCalls;

    /// <summary>Handles method calls sent to this connection, one at a time on a task of their own. The handler
    /// answers with <see cref="SendReply"/> or <see cref="SendError"/>; if it throws, the caller gets
    /// org.freedesktop.DBus.Error.Failed. Peer.Ping is always answered; without a handler other calls get
    /// UnknownMethod. Can be set once.</summary>
    public void SetMethodCallHandler(Action<Message> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var calls = Channel.CreateBounded<Message>(new BoundedChannelOptions(_options.IncomingQueueCapacity) { SingleReader = true });
        if (Interlocked.CompareExchange(ref _methodCalls, calls, null) is not null)
        {
            throw new InvalidOperationException("The method-call handler is already set.");
        }

        _ = Task.Run(() => ServeMethodCallsAsync(calls.Reader, handler));
    }

    /// <summary>Answers <paramref name="call"/> with a method return (nothing is sent when the caller said it
    /// expects no reply).</summary>
    public void SendReply(Message call, string? signature = null, BodyWriter? writeBody = null)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (!call.Flags.HasFlag(MessageFlags.NoReplyExpected))
        {
            Enqueue(MessageWriter.Build(
                new OutgoingHeader(MessageType.MethodReturn, NextSerial())
                {
                    ReplySerial = call.Serial,
                    Destination = call.Sender,
                    Signature = signature ?? string.Empty,
                },
                writeBody));
        }
    }

    /// <summary>Answers <paramref name="call"/> with an error reply.</summary>
    public void SendError(Message call, string errorName, string errorMessage)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (!call.Flags.HasFlag(MessageFlags.NoReplyExpected))
        {
            Enqueue(MessageWriter.Build(
                new OutgoingHeader(MessageType.Error, NextSerial())
                {
                    ReplySerial = call.Serial,
                    Destination = call.Sender,
                    ErrorName = errorName,
                    Signature = "s",
                },
                (ref MessageWriter writer) => writer.WriteString(errorMessage)));
        }
    }

    /// <summary>Broadcasts a signal.</summary>
    public void EmitSignal(string path, string @interface, string member, string? signature = null, BodyWriter? writeBody = null) =>
        Enqueue(MessageWriter.Build(
            new OutgoingHeader(MessageType.Signal, NextSerial())
            {
                Path = path,
                Interface = @interface,
                Member = member,
                Signature = signature ?? string.Empty,
            },
            writeBody));

    private void DispatchMethodCall(Message call)
    {
        if (call.Interface == PeerInterface && call.Member == "Ping")
        {
            AnswerUnlessClosed(() => SendReply(call));
        }
        else if (Volatile.Read(ref _methodCalls) is not { } calls)
        {
            AnswerUnlessClosed(() => SendError(call, "org.freedesktop.DBus.Error.UnknownMethod", $"No handler for {call.Interface}.{call.Member}."));
        }
        else if (!calls.Writer.TryWrite(call))
        {
            AnswerUnlessClosed(() => SendError(call, "org.freedesktop.DBus.Error.LimitsExceeded", "Too many calls are waiting for the handler."));
        }
    }

    private async Task ServeMethodCallsAsync(ChannelReader<Message> calls, Action<Message> handler)
    {
        await foreach (Message call in calls.ReadAllAsync().ConfigureAwait(false))
        {
            AnswerUnlessClosed(() =>
            {
                try
                {
                    handler(call);
                }
                catch (Exception ex) when (ex is not DBusConnectionClosedException)
                {
                    // Not swallowed: the failure goes back to the caller as an error reply.
                    SendError(call, "org.freedesktop.DBus.Error.Failed", ex.Message);
                }
            });
        }
    }

    private static void AnswerUnlessClosed(Action answer)
    {
        try
        {
            answer();
        }
        catch (DBusConnectionClosedException)
        {
            // Closing: callers learn from the bus that this connection is gone.
        }
    }
}
