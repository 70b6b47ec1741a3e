namespace Vks.Systemd.DBus;

/// <summary>Signal subscriptions: AddMatch/RemoveMatch on the bus, and delivery to each matching subscription.</summary>
public sealed partial class DBusConnection
{
    private readonly Lock _subscriptionsLock = new();

    // Copy-on-write, so the read loop walks a snapshot without taking the lock.
    private Registration[] _subscriptions = [];

    public async Task<SignalSubscription> SubscribeAsync(MatchRule rule, Action<Message> handler, CancellationToken cancellationToken = default)
    {
        var subscription = new SignalSubscription(rule, handler, _options.IncomingQueueCapacity, RemoveSubscriptionAsync);
        try
        {
            await AddSubscriptionAsync(subscription, stopOnClose: true, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            subscription.Stop(null);
            throw;
        }

        return subscription;
    }

    /// <summary>Registers <paramref name="subscription"/> locally, then adds its match on the bus. With
    /// <paramref name="stopOnClose"/> false the subscription outlives this connection (the reconnecting layer
    /// moves it to the next one).</summary>
    internal async Task AddSubscriptionAsync(SignalSubscription subscription, bool stopOnClose, CancellationToken cancellationToken)
    {
        lock (_subscriptionsLock)
        {
            _subscriptions = [.. _subscriptions, new Registration(subscription, stopOnClose)];
        }

        try
        {
            // Checked after registering: Close sets the flag before it takes the registrations.
            if (!IsConnected)
            {
                throw ClosedError();
            }

            await CallMethodAsync(BusName, BusPath, BusInterface, "AddMatch", "s", (ref MessageWriter writer) => writer.WriteString(subscription.RuleText), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Unregister(subscription);
            throw;
        }
    }

    /// <summary>Stops local delivery, then removes the match from the bus. A closed connection has no matches left.</summary>
    internal async Task RemoveSubscriptionAsync(SignalSubscription subscription)
    {
        if (!Unregister(subscription) || !IsConnected)
        {
            return;
        }

        try
        {
            await CallMethodAsync(BusName, BusPath, BusInterface, "RemoveMatch", "s", (ref MessageWriter writer) => writer.WriteString(subscription.RuleText)).ConfigureAwait(false);
        }
        catch (DBusConnectionClosedException)
        {
            // The match ended with the connection.
        }
    }

    private bool Unregister(SignalSubscription subscription)
    {
        lock (_subscriptionsLock)
        {
            int index = Array.FindIndex(_subscriptions, registration => registration.Subscription == subscription);
            if (index < 0)
            {
                return false;
            }

            _subscriptions = [.. _subscriptions.AsSpan(0, index), .. _subscriptions.AsSpan(index + 1)];
            return true;
        }
    }

    private void DispatchSignal(Message signal)
    {
        foreach (Registration registration in Volatile.Read(ref _subscriptions))
        {
            if (registration.Subscription.Rule.Matches(signal))
            {
                registration.Subscription.Deliver(signal);
            }
        }
    }

    private void StopSubscriptions(DBusConnectionClosedException closed)
    {
        Registration[] registrations;
        lock (_subscriptionsLock)
        {
            registrations = _subscriptions;
            _subscriptions = [];
        }

        foreach (Registration registration in registrations)
        {
            if (registration.StopOnClose)
            {
                registration.Subscription.Stop(closed);
            }
        }
    }

    private sealed record Registration(SignalSubscription Subscription, bool StopOnClose);
}
