using System.Threading.Channels;

namespace Vks.Systemd.DBus;

/// <summary>One subscriber's signals: a bounded queue filled by the connection's read loop and drained by this
/// subscription's own pump task, which calls the handler. A slow handler therefore delays only its own
/// subscription. If the queue fills, the subscription stops with <see cref="DBusSubscriptionOverflowException"/>
/// instead of dropping signals silently; a handler that throws stops it with that exception. Either way
/// <see cref="Completion"/> faults and the match is removed from the bus.</summary>
public sealed class SignalSubscription : IAsyncDisposable, IDisposable
{
    private readonly Channel<Message> _queue;
    private readonly Action<Message> _handler;
    private readonly Func<SignalSubscription, Task> _unsubscribe;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Exception? _error;
    private int _stopped;

    /// <param name="unsubscribe">Removes the subscription from its owner and its match from the bus.</param>
    internal SignalSubscription(MatchRule rule, Action<Message> handler, int capacity, Func<SignalSubscription, Task> unsubscribe)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(handler);
        Rule = rule;
        RuleText = rule.ToString();
        _handler = handler;
        _unsubscribe = unsubscribe;
        _queue = Channel.CreateBounded<Message>(new BoundedChannelOptions(capacity) { SingleReader = true });
        _ = Task.Run(PumpAsync);
    }

    public MatchRule Rule { get; }

    /// <summary>Completes when the subscription is disposed; faults when it stops on its own: overflow, a handler
    /// exception, or (on a plain <see cref="DBusConnection"/>) the loss of the connection.</summary>
    public Task Completion => _completion.Task;

    internal string RuleText { get; }

    internal bool IsStopped => Volatile.Read(ref _stopped) != 0;

    /// <summary>Queues a signal; called by the read loop, so it never waits.</summary>
    internal void Deliver(Message signal)
    {
        if (!IsStopped && !_queue.Writer.TryWrite(signal))
        {
            Fault(new DBusSubscriptionOverflowException(
                $"The handler of [{RuleText}] fell {_queue.Reader.Count} signals behind; the subscription stopped so no signal is lost unnoticed."));
        }
    }

    /// <summary>Stops the subscription with <paramref name="error"/> and removes it in the background.</summary>
    internal void Fault(Exception error)
    {
        if (Stop(error))
        {
            _ = UnsubscribeAsync();
        }
    }

    /// <summary>Stops delivery; the owner is responsible for the match. False when it had already stopped.</summary>
    internal bool Stop(Exception? error)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return false;
        }

        _error = error;
        _queue.Writer.TryComplete();
        return true;
    }

    /// <summary>Stops delivery at once and waits until the match is removed from the bus.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Stop(null))
        {
            await UnsubscribeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Stops delivery at once; the match is removed from the bus in the background.</summary>
    public void Dispose()
    {
        if (Stop(null))
        {
            _ = UnsubscribeAsync();
        }
    }

    private async Task PumpAsync()
    {
        await foreach (Message signal in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            // After a stop the queue is drained without delivering, so the outcome below is read only once
            // Stop has recorded it and completed the queue.
            if (IsStopped)
            {
                continue;
            }

            try
            {
                _handler(signal);
            }
            catch (Exception ex)
            {
                // Not swallowed: the exception becomes this subscription's outcome, seen through Completion.
                Fault(ex);
            }
        }

        if (_error is null)
        {
            _completion.TrySetResult();
        }
        else
        {
            _completion.TrySetException(_error);
        }
    }

    private async Task UnsubscribeAsync()
    {
        try
        {
            await _unsubscribe(this).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is DBusErrorException or TimeoutException)
        {
            // Delivery has already stopped locally; a match the bus failed to remove only costs us signals we drop.
        }
    }
}
