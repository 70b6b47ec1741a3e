using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Vks.Systemd.DBus;

/// <summary>One authenticated connection to a message bus over a Unix socket.
/// <para>Two loops own the socket: the read loop frames and validates incoming messages and dispatches them
/// (replies complete their pending call; signals go to each matching subscription's queue; method calls go to
/// the method-call queue), and the write loop drains a channel of serialised messages, so any number of threads
/// may call at once and pipelined messages leave in batches. Neither loop runs user code.</para>
/// <para>When the connection ends for any reason, every pending call fails with
/// <see cref="DBusConnectionClosedException"/>, subscriptions stop, and <see cref="Closed"/> completes. It does
/// not reconnect; <see cref="ReconnectingDBusConnection"/> does.</para>
/// The partial files hold calls, signal subscriptions, and the small server side (replies, errors, signals).</summary>
public sealed partial class DBusConnection : IDBusConnection, IAsyncDisposable
{
    internal const string BusName = "org.freedesktop.DBus";
    internal const string BusPath = "/org/freedesktop/DBus";
    internal const string BusInterface = "org.freedesktop.DBus";

    // Flush at least this often while a burst of messages is queued, so one burst cannot buffer without bound.
    private const int MaxUnflushedBytes = 64 * 1024;

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly DBusConnectionOptions _options;
    private readonly SemaphoreSlim _callSlots;
    private readonly Channel<OutgoingMessage> _outgoing =
        Channel.CreateUnbounded<OutgoingMessage>(new UnboundedChannelOptions { SingleReader = true });

    private readonly ConcurrentDictionary<uint, TaskCompletionSource<Message>> _pendingCalls = new();
    private readonly TaskCompletionSource<DBusConnectionClosedException> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _readLoop = Task.CompletedTask;
    private Task _writeLoop = Task.CompletedTask;
    private int _lastSerial;
    private int _closing;

    private DBusConnection(Socket socket, string serverGuid, DBusConnectionOptions options)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _input = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
        _output = PipeWriter.Create(_stream, new StreamPipeWriterOptions(leaveOpen: true));
        _options = options;
        _callSlots = new SemaphoreSlim(options.MaxPendingCalls, options.MaxPendingCalls);
        ServerGuid = serverGuid;
    }

    /// <summary>The name the bus gave this connection in reply to Hello, e.g. ":1.42".</summary>
    public string UniqueName { get; private set; } = string.Empty;

    public string ServerGuid { get; }

    /// <summary>Completes when the connection ends, with the exception pending calls failed with; its inner
    /// exception says why (end of stream, socket error, protocol error), and is null after DisposeAsync.</summary>
    public Task<DBusConnectionClosedException> Closed => _closed.Task;

    public bool IsConnected => Volatile.Read(ref _closing) == 0;

    /// <summary>Connects to the system bus: DBUS_SYSTEM_BUS_ADDRESS, else unix:path=/run/dbus/system_bus_socket.</summary>
    public static Task<DBusConnection> ConnectSystemBusAsync(DBusConnectionOptions? options = null, CancellationToken cancellationToken = default) =>
        ConnectAsync(DBusAddress.SystemBus, options, cancellationToken);

    /// <summary>Connects to the first reachable entry of a D-Bus address list, authenticates, and says Hello.
    /// Throws the last entry's error (a <see cref="SocketException"/>, or a <see cref="DBusProtocolException"/>
    /// for a failed handshake) when none works.</summary>
    public static async Task<DBusConnection> ConnectAsync(string address, DBusConnectionOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new DBusConnectionOptions();
        Exception? lastError = null;
        foreach (DBusAddress entry in DBusAddress.ParseList(address))
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            string serverGuid;
            try
            {
                await socket.ConnectAsync(entry.EndPoint, cancellationToken).ConfigureAwait(false);
                serverGuid = await SaslAuthenticator.AuthenticateAsync(socket, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or DBusProtocolException)
            {
                socket.Dispose();
                lastError = ex;
                continue;
            }
            catch
            {
                socket.Dispose();
                throw;
            }

            var connection = new DBusConnection(socket, serverGuid, options);
            connection.Start();
            try
            {
                connection.UniqueName = await connection.CallMethodAsync(
                    BusName, BusPath, BusInterface, "Hello", null, null, static (ref Reader reader) => reader.ReadString(), cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            return connection;
        }

        throw lastError!;
    }

    /// <summary>Closes the connection: pending calls fail, subscriptions stop, <see cref="Closed"/> completes.</summary>
    public async ValueTask DisposeAsync()
    {
        Close(null, "The connection was disposed.");
        await _readLoop.ConfigureAwait(false);
        await _writeLoop.ConfigureAwait(false);
        await _input.CompleteAsync().ConfigureAwait(false);

        // The output pipe is left as it is: completing it would flush to a socket that is already closed.
        await _stream.DisposeAsync().ConfigureAwait(false);
    }

    private void Start()
    {
        _readLoop = Task.Run(ReadLoopAsync);
        _writeLoop = Task.Run(WriteLoopAsync);
    }

    private uint NextSerial()
    {
        uint serial = unchecked((uint)Interlocked.Increment(ref _lastSerial));
        return serial != 0 ? serial : unchecked((uint)Interlocked.Increment(ref _lastSerial));
    }

    /// <summary>Queues a serialised message for the write loop; throws when the connection is closed.</summary>
    private void Enqueue(OutgoingMessage message)
    {
        if (!IsConnected || !_outgoing.Writer.TryWrite(message))
        {
            message.ReturnBuffer();
            throw ClosedError();
        }
    }

    private DBusConnectionClosedException ClosedError() =>
        _closed.Task.IsCompleted ? _closed.Task.Result : new DBusConnectionClosedException("The connection is closing.");

    private async Task ReadLoopAsync()
    {
        try
        {
            while (true)
            {
                ReadResult result = await _input.ReadAsync().ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                while (TryReadMessage(ref buffer, out Message? message))
                {
                    Dispatch(message);
                }

                _input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    Close(new EndOfStreamException("The bus closed the connection."), "The bus closed the connection.");
                    return;
                }
            }
        }
        catch (DBusProtocolException ex)
        {
            Close(ex, "The bus sent a malformed message; the connection was closed.");
        }
        catch (Exception ex)
        {
            // Whatever ends the loop ends the connection, and becomes the reason Closed and pending calls report.
            Close(ex, "Reading from the bus failed.");
        }
    }

    /// <summary>Takes one whole message off the front of <paramref name="buffer"/> once all of it has arrived.
    /// The length is checked against the limits from the 16-byte fixed header before anything is waited for,
    /// and only then is the message copied into an array of exactly its size.</summary>
    private static bool TryReadMessage(ref ReadOnlySequence<byte> buffer, [NotNullWhen(true)] out Message? message)
    {
        message = null;
        if (buffer.Length < Message.FixedHeaderLength)
        {
            return false;
        }

        Span<byte> fixedHeader = stackalloc byte[Message.FixedHeaderLength];
        buffer.Slice(0, Message.FixedHeaderLength).CopyTo(fixedHeader);
        int length = Message.GetMessageLength(fixedHeader);
        if (buffer.Length < length)
        {
            return false;
        }

        byte[] data = GC.AllocateUninitializedArray<byte>(length);
        buffer.Slice(0, length).CopyTo(data);
        buffer = buffer.Slice(length);
        message = Message.Parse(data);
        return true;
    }

    private void Dispatch(Message message)
    {
        switch (message.Type)
        {
            case MessageType.MethodReturn:
            case MessageType.Error:
                if (_pendingCalls.TryRemove(message.ReplySerial, out TaskCompletionSource<Message>? call))
                {
                    call.TrySetResult(message);
                }

                break;
            case MessageType.Signal:
                SystemdMetrics.SignalReceived(message.Interface, message.Member);
                DispatchSignal(message);
                break;
            case MessageType.MethodCall:
                DispatchMethodCall(message);
                break;

                // Other message types are ignored, as the specification asks.
        }
    }

    private async Task WriteLoopAsync()
    {
        ChannelReader<OutgoingMessage> queue = _outgoing.Reader;
        try
        {
            while (await queue.WaitToReadAsync().ConfigureAwait(false))
            {
                int unflushed = 0;
                while (unflushed < MaxUnflushedBytes && queue.TryRead(out OutgoingMessage message))
                {
                    _output.Write(message.Buffer.AsSpan(0, message.Length));
                    unflushed += message.Length;
                    message.ReturnBuffer();
                }

                await _output.FlushAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            // As in the read loop: the failure becomes the connection's close reason.
            Close(ex, "Writing to the bus failed.");
        }
    }

    /// <summary>Ends the connection once: stops the loops, fails pending calls, stops subscriptions.</summary>
    private void Close(Exception? cause, string description)
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0)
        {
            return;
        }

        var closed = new DBusConnectionClosedException(description, cause);
        _outgoing.Writer.TryComplete();
        _methodCalls?.Writer.TryComplete();
        _input.CancelPendingRead();
        _socket.Dispose();

        foreach (uint serial in _pendingCalls.Keys)
        {
            if (_pendingCalls.TryRemove(serial, out TaskCompletionSource<Message>? call))
            {
                call.TrySetException(closed);
            }
        }

        StopSubscriptions(closed);
        _closed.TrySetResult(closed);
    }
}
