using System.Diagnostics;

namespace Vks.Systemd.DBus;

/// <summary>Method calls: serial ↔ reply correlation, timeouts, cancellation, error replies.</summary>
public sealed partial class DBusConnection
{
    public Task CallMethodAsync(
        string destination,
        string path,
        string @interface,
        string member,
        string? signature = null,
        BodyWriter? writeBody = null,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default) =>
        CallAsync(destination, path, @interface, member, signature, writeBody, timeout, cancellationToken);

    public async Task<T> CallMethodAsync<T>(
        string destination,
        string path,
        string @interface,
        string member,
        string? signature,
        BodyWriter? writeBody,
        BodyReader<T> readReply,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(readReply);
        Message reply = await CallAsync(destination, path, @interface, member, signature, writeBody, timeout, cancellationToken).ConfigureAwait(false);
        Reader reader = reply.GetBodyReader();
        return readReply(ref reader);
    }

    /// <summary>Sends a call and returns its reply message (never an error reply: those throw). At most
    /// <see cref="DBusConnectionOptions.MaxPendingCalls"/> calls await their replies at once; more wait for a turn.</summary>
    public async Task<Message> CallAsync(
        string destination,
        string path,
        string @interface,
        string member,
        string? signature = null,
        BodyWriter? writeBody = null,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await _callSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            uint serial = NextSerial();
            OutgoingMessage request = MessageWriter.Build(
                new OutgoingHeader(MessageType.MethodCall, serial)
                {
                    Path = path,
                    Interface = @interface,
                    Member = member,
                    Destination = destination,
                    Signature = signature ?? string.Empty,
                },
                writeBody);

            var pending = new TaskCompletionSource<Message>(TaskCreationOptions.RunContinuationsAsynchronously);
            _pendingCalls[serial] = pending;
            long sentAt = Stopwatch.GetTimestamp();
            try
            {
                // Registered before the check: Close sets the flag before it fails what is registered, so a call
                // either sees the flag here or is failed by Close.
                Enqueue(request);
            }
            catch (DBusConnectionClosedException)
            {
                _pendingCalls.TryRemove(serial, out _);
                throw;
            }

            SystemdMetrics.CallSent(@interface, member);
            TimeSpan limit = timeout ?? _options.CallTimeout;
            Message reply;
            try
            {
                reply = await pending.Task.WaitAsync(limit, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                _pendingCalls.TryRemove(serial, out _);
                SystemdMetrics.CallFailed(@interface, member, "timeout");
                throw new TimeoutException($"{@interface}.{member} on {destination} {path} got no reply within {limit}.");
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Not an error of the call: its caller stopped waiting.
                _pendingCalls.TryRemove(serial, out _);
                throw;
            }
            catch (DBusConnectionClosedException)
            {
                SystemdMetrics.CallFailed(@interface, member, "closed");
                throw;
            }

            SystemdMetrics.CallAnswered(@interface, member, Stopwatch.GetElapsedTime(sentAt));
            if (reply.Type == MessageType.Error)
            {
                SystemdMetrics.CallFailed(@interface, member, reply.ErrorName!);
                throw ToException(reply);
            }

            return reply;
        }
        finally
        {
            _callSlots.Release();
        }
    }

    private static DBusErrorException ToException(Message error)
    {
        // By convention the first argument of an error is its message.
        string text = string.Empty;
        if (error.Signature.StartsWith('s'))
        {
            Reader reader = error.GetBodyReader();
            text = reader.ReadString();
        }

        return new DBusErrorException(error.ErrorName!, text);
    }
}
