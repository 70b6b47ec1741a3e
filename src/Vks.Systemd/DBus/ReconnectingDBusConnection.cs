using System.Diagnostics;
using System.Net.Sockets;

namespace Vks.Systemd.DBus;

/// <summary>How <see cref="ReconnectingDBusConnection"/> waits between attempts: exponential backoff with jitter.</summary>
public sealed record ReconnectOptions
{
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>A bus connection that survives the bus going away (dbus-daemon restarted, <c>systemctl daemon-reexec</c>).
/// <para>A background loop connects, re-adds the match of every live subscription, publishes the connection, raises
/// <see cref="Connected"/>, then waits for the connection to end, raises <see cref="Disconnected"/> and connects
/// again with exponential backoff and jitter. Subscriptions belong to this object, not to one connection, so they
/// keep their handler and queue across restarts. Signals sent while disconnected are lost: handle
/// <see cref="Connected"/> to resynchronise state.</para>
/// <para>Calls made while disconnected wait for the next connection within their timeout. A call in flight when the
/// connection drops fails with <see cref="DBusConnectionClosedException"/> and is not retried, because it may
/// already have been executed.</para></summary>
public sealed class ReconnectingDBusConnection : IDBusConnection, IAsyncDisposable
{
    private readonly string _address;
    private readonly DBusConnectionOptions _options;
    private readonly ReconnectOptions _reconnect;
    private readonly CancellationTokenSource _disposal = new();

    // Serialises changes to the subscription list with moving the list to a new connection.
    private readonly SemaphoreSlim _subscriptionsGate = new(1, 1);
    private readonly List<SignalSubscription> _subscriptions = [];
    private readonly Task _loop;
    private TaskCompletionSource<DBusConnection> _connection = NewConnectionSource();
    private Exception? _lastError;
    private Exception? _stopReason; // set under the gate once the loop has ended

    /// <summary>Starts connecting at once, in the background.</summary>
    /// <exception cref="FormatException">The address is malformed.</exception>
    /// <param name="address">A D-Bus address; null for the system bus.</param>
    public ReconnectingDBusConnection(string? address = null, DBusConnectionOptions? options = null, ReconnectOptions? reconnect = null)
    {
        _address = address ?? DBusAddress.SystemBus;
        _ = DBusAddress.ParseList(_address); // a malformed address is a configuration error: refuse it now, not in the loop
        _options = options ?? new DBusConnectionOptions();
        _reconnect = reconnect ?? new ReconnectOptions();
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Raised on the reconnect loop after each (re)connection, once every subscription's match is back on
    /// the bus: the moment to resynchronise state. A handler must not throw: an exception stops the loop and
    /// faults <see cref="Completion"/>.</summary>
    public event Action<DBusConnection>? Connected;

    /// <summary>Raised on the reconnect loop when a connection ends, with the reason, before reconnecting.
    /// The same rule as for <see cref="Connected"/> applies to exceptions.</summary>
    public event Action<DBusConnectionClosedException>? Disconnected;

    /// <summary>Completes when the object is disposed; faults if an event handler threw.</summary>
    public Task Completion => _loop;

    /// <summary>The current connection, waiting for one while disconnected.</summary>
    public Task<DBusConnection> GetConnectionAsync(CancellationToken cancellationToken = default) =>
        Volatile.Read(ref _connection).Task.WaitAsync(cancellationToken);

    public async Task CallMethodAsync(
        string destination,
        string path,
        string @interface,
        string member,
        string? signature = null,
        BodyWriter? writeBody = null,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        (DBusConnection connection, TimeSpan remaining) = await WaitForConnectionAsync(timeout, cancellationToken).ConfigureAwait(false);
        await connection.CallMethodAsync(destination, path, @interface, member, signature, writeBody, remaining, cancellationToken).ConfigureAwait(false);
    }

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
        (DBusConnection connection, TimeSpan remaining) = await WaitForConnectionAsync(timeout, cancellationToken).ConfigureAwait(false);
        return await connection.CallMethodAsync(destination, path, @interface, member, signature, writeBody, readReply, remaining, cancellationToken).ConfigureAwait(false);
    }

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
        (DBusConnection connection, TimeSpan remaining) = await WaitForConnectionAsync(timeout, cancellationToken).ConfigureAwait(false);
        return await connection.CallAsync(destination, path, @interface, member, signature, writeBody, remaining, cancellationToken).ConfigureAwait(false);
    }

    public async Task<SignalSubscription> SubscribeAsync(MatchRule rule, Action<Message> handler, CancellationToken cancellationToken = default)
    {
        var subscription = new SignalSubscription(rule, handler, _options.IncomingQueueCapacity, RemoveSubscriptionAsync);
        await _subscriptionsGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_stopReason is not null)
            {
                throw _stopReason is ObjectDisposedException
                    ? new ObjectDisposedException(nameof(ReconnectingDBusConnection))
                    : new DBusConnectionClosedException("The reconnecting connection has stopped.", _stopReason);
            }

            _subscriptions.Add(subscription);
            if (CurrentConnection() is { } connection)
            {
                await connection.AddSubscriptionAsync(subscription, stopOnClose: false, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (DBusConnectionClosedException)
        {
            // The connection dropped meanwhile; the reconnect loop adds the match on the next one.
        }
        catch
        {
            _subscriptions.Remove(subscription);
            subscription.Stop(null);
            throw;
        }
        finally
        {
            _subscriptionsGate.Release();
        }

        return subscription;
    }

    public async ValueTask DisposeAsync()
    {
        await _disposal.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _disposal.Dispose();
    }

    private async Task RunAsync()
    {
        DBusConnection? connection = null;
        Exception stopReason = new ObjectDisposedException(nameof(ReconnectingDBusConnection));
        try
        {
            TimeSpan backoff = _reconnect.InitialBackoff;
            while (true)
            {
                try
                {
                    connection = await DBusConnection.ConnectAsync(_address, _options, _disposal.Token).ConfigureAwait(false);
                    await MoveSubscriptionsAsync(connection).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is SocketException or DBusProtocolException or DBusConnectionClosedException or DBusErrorException or TimeoutException)
                {
                    _lastError = ex;
                    if (connection is not null)
                    {
                        await connection.DisposeAsync().ConfigureAwait(false);
                        connection = null;
                    }

                    await Task.Delay(WithJitter(backoff), _disposal.Token).ConfigureAwait(false);
                    backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _reconnect.MaxBackoff.Ticks));
                    continue;
                }

                backoff = _reconnect.InitialBackoff;
                Connected?.Invoke(connection);
                DBusConnectionClosedException closed = await connection.Closed.WaitAsync(_disposal.Token).ConfigureAwait(false);
                Volatile.Write(ref _connection, NewConnectionSource());
                _lastError = closed;
                await connection.DisposeAsync().ConfigureAwait(false);
                connection = null;
                Disconnected?.Invoke(closed);
            }
        }
        catch (OperationCanceledException) when (_disposal.IsCancellationRequested)
        {
            // Disposed.
        }
        catch (Exception ex)
        {
            stopReason = new DBusConnectionClosedException("The reconnect loop stopped because an event handler threw.", ex);
            throw;
        }
        finally
        {
            await StopAsync(connection, stopReason).ConfigureAwait(false);
        }
    }

    /// <summary>Adds every live subscription's match on the new connection, then publishes it. A rule the bus now
    /// refuses stops that subscription with the bus's error rather than failing the connection.</summary>
    private async Task MoveSubscriptionsAsync(DBusConnection connection)
    {
        await _subscriptionsGate.WaitAsync(_disposal.Token).ConfigureAwait(false);
        try
        {
            foreach (SignalSubscription subscription in _subscriptions.ToArray())
            {
                try
                {
                    await connection.AddSubscriptionAsync(subscription, stopOnClose: false, _disposal.Token).ConfigureAwait(false);
                }
                catch (DBusErrorException ex)
                {
                    _subscriptions.Remove(subscription);
                    subscription.Stop(ex);
                }
            }

            Volatile.Read(ref _connection).TrySetResult(connection);
        }
        finally
        {
            _subscriptionsGate.Release();
        }
    }

    private async Task RemoveSubscriptionAsync(SignalSubscription subscription)
    {
        DBusConnection? connection;
        await _subscriptionsGate.WaitAsync().ConfigureAwait(false);
        try
        {
            _subscriptions.Remove(subscription);
            connection = CurrentConnection();
        }
        finally
        {
            _subscriptionsGate.Release();
        }

        if (connection is not null)
        {
            await connection.RemoveSubscriptionAsync(subscription).ConfigureAwait(false);
        }
    }

    /// <summary>Waits for a connection within the call's timeout and returns what is left of the timeout.</summary>
    private async Task<(DBusConnection Connection, TimeSpan Remaining)> WaitForConnectionAsync(TimeSpan? timeout, CancellationToken cancellationToken)
    {
        TimeSpan limit = timeout ?? _options.CallTimeout;
        long started = Stopwatch.GetTimestamp();
        DBusConnection connection;
        try
        {
            connection = await Volatile.Read(ref _connection).Task.WaitAsync(limit, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new DBusConnectionClosedException($"Not connected to {_address} within {limit}.", _lastError);
        }

        if (limit == Timeout.InfiniteTimeSpan)
        {
            return (connection, limit);
        }

        TimeSpan remaining = limit - Stopwatch.GetElapsedTime(started);
        return (connection, remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
    }

    private DBusConnection? CurrentConnection()
    {
        Task<DBusConnection> current = Volatile.Read(ref _connection).Task;
        return current.IsCompletedSuccessfully && current.Result.IsConnected ? current.Result : null;
    }

    /// <summary>Ends everything when the loop ends: the connection closes, waiting and future calls and
    /// subscriptions fail with <paramref name="reason"/>, and live subscriptions stop (with it, unless disposed).</summary>
    private async Task StopAsync(DBusConnection? connection, Exception reason)
    {
        var stopped = NewConnectionSource();
        stopped.SetException(reason);
        Interlocked.Exchange(ref _connection, stopped).TrySetException(reason);
        if (connection is not null)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        await _subscriptionsGate.WaitAsync().ConfigureAwait(false);
        try
        {
            foreach (SignalSubscription subscription in _subscriptions)
            {
                subscription.Stop(reason is ObjectDisposedException ? null : reason);
            }

            _subscriptions.Clear();
            _stopReason = reason;
        }
        finally
        {
            _subscriptionsGate.Release();
        }
    }

    private static TimeSpan WithJitter(TimeSpan backoff) => backoff * (0.5 + (Random.Shared.NextDouble() / 2));

    private static TaskCompletionSource<DBusConnection> NewConnectionSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
