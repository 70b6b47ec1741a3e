using System.Collections.Concurrent;
using Vks.Systemd.DBus;

namespace Vks.Systemd.Tests.DBus;

/// <summary>Signal subscriptions against a real dbus-daemon, with a second connection of our own emitting.</summary>
public sealed class SignalTests(PrivateBusFixture fixture) : IClassFixture<PrivateBusFixture>
{
    private const string TickerInterface = "com.example.Ticker";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private PrivateBus Bus => fixture.Bus;

    [Fact]
    public async Task Signals_arrive_in_order()
    {
        await using DBusConnection listener = await Bus.ConnectAsync();
        await using DBusConnection emitter = await Bus.ConnectAsync();
        var received = new Collector<uint>(500);
        await using SignalSubscription subscription = await listener.SubscribeAsync(
            new MatchRule { Sender = emitter.UniqueName, Interface = TickerInterface, Member = "Tick" },
            message => received.Add(message.GetBodyReader().ReadUInt32()));

        for (uint i = 0; i < 500; i++)
        {
            Tick(emitter, "Tick", i);
        }

        Assert.Equal(Enumerable.Range(0, 500).Select(i => (uint)i), await received.Complete.WaitAsync(Patience));
    }

    [Fact]
    public async Task Each_subscription_sees_only_its_own_signals()
    {
        await using DBusConnection listener = await Bus.ConnectAsync();
        await using DBusConnection emitter = await Bus.ConnectAsync();
        var ticks = new Collector<string>(100);
        var tocks = new Collector<string>(100);
        await using SignalSubscription tickSubscription = await listener.SubscribeAsync(
            new MatchRule { Sender = emitter.UniqueName, Member = "Tick" }, message => ticks.Add(message.Member!));
        await using SignalSubscription tockSubscription = await listener.SubscribeAsync(
            new MatchRule { Sender = emitter.UniqueName, Member = "Tock" }, message => tocks.Add(message.Member!));

        for (uint i = 0; i < 100; i++)
        {
            Tick(emitter, "Tick", i);
            Tick(emitter, "Tock", i);
        }

        Assert.All(await ticks.Complete.WaitAsync(Patience), member => Assert.Equal("Tick", member));
        Assert.All(await tocks.Complete.WaitAsync(Patience), member => Assert.Equal("Tock", member));
    }

    [Fact]
    public async Task A_slow_subscriber_stalls_neither_the_connection_nor_other_subscribers()
    {
        await using DBusConnection listener = await Bus.ConnectAsync();
        await using DBusConnection emitter = await Bus.ConnectAsync();
        using var gate = new ManualResetEventSlim(false);
        var slow = new Collector<uint>(200);
        var fast = new Collector<uint>(200);
        var rule = new MatchRule { Sender = emitter.UniqueName, Member = "Tick" };
        await using SignalSubscription slowSubscription = await listener.SubscribeAsync(rule, message =>
        {
            gate.Wait();
            slow.Add(message.GetBodyReader().ReadUInt32());
        });
        await using SignalSubscription fastSubscription = await listener.SubscribeAsync(rule, message => fast.Add(message.GetBodyReader().ReadUInt32()));

        for (uint i = 0; i < 200; i++)
        {
            Tick(emitter, "Tick", i);
        }

        // While the slow handler is blocked, the other subscriber gets everything and calls still complete.
        Assert.Equal(200, (await fast.Complete.WaitAsync(Patience)).Length);
        await listener.CallMethodAsync(DBusConnection.BusName, DBusConnection.BusPath, DBusConnection.BusInterface, "GetId").WaitAsync(Patience);
        Assert.Equal(0, slow.Count);

        gate.Set();
        Assert.Equal(Enumerable.Range(0, 200).Select(i => (uint)i), await slow.Complete.WaitAsync(Patience));
    }

    [Fact]
    public async Task A_subscriber_that_falls_too_far_behind_stops_with_an_overflow_and_its_match_is_removed()
    {
        await using DBusConnection listener = await Bus.ConnectAsync(new DBusConnectionOptions { IncomingQueueCapacity = 8 });
        await using DBusConnection emitter = await Bus.ConnectAsync();
        using var gate = new ManualResetEventSlim(false);
        SignalSubscription stuck = await listener.SubscribeAsync(
            new MatchRule { Sender = emitter.UniqueName, Member = "Flood" }, _ => gate.Wait());
        Assert.Single(await BusDriver.MatchRulesOfAsync(listener, listener.UniqueName), rule => rule.Contains("member='Flood'", StringComparison.Ordinal));

        for (uint i = 0; i < 100; i++)
        {
            Tick(emitter, "Flood", i);
        }

        await Assert.ThrowsAsync<DBusSubscriptionOverflowException>(async () =>
        {
            Task completion = stuck.Completion;
            gate.Set();
            await completion.WaitAsync(Patience);
        });
        await BusDriver.EventuallyAsync(
            async () => !(await BusDriver.MatchRulesOfAsync(listener, listener.UniqueName)).Any(rule => rule.Contains("member='Flood'", StringComparison.Ordinal)),
            "the overflowed subscription's match is removed from the bus");
        Assert.True(listener.IsConnected);
    }

    [Fact]
    public async Task Disposing_a_subscription_removes_its_match_from_the_bus()
    {
        await using DBusConnection listener = await Bus.ConnectAsync();
        SignalSubscription subscription = await listener.SubscribeAsync(new MatchRule { Interface = TickerInterface, Member = "Disposable" }, _ => { });

        string rule = Assert.Single(await BusDriver.MatchRulesOfAsync(listener, listener.UniqueName));
        Assert.Contains("member='Disposable'", rule, StringComparison.Ordinal);

        await subscription.DisposeAsync();

        Assert.Empty(await BusDriver.MatchRulesOfAsync(listener, listener.UniqueName));
        await subscription.Completion.WaitAsync(Patience);
    }

    [Fact]
    public async Task A_handler_that_throws_stops_its_subscription_with_that_exception()
    {
        await using DBusConnection listener = await Bus.ConnectAsync();
        await using DBusConnection emitter = await Bus.ConnectAsync();
        SignalSubscription subscription = await listener.SubscribeAsync(
            new MatchRule { Sender = emitter.UniqueName, Member = "Boom" }, _ => throw new InvalidOperationException("handler bug"));

        Tick(emitter, "Boom", 1);

        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(() => subscription.Completion.WaitAsync(Patience));
        Assert.Equal("handler bug", error.Message);
        Assert.True(listener.IsConnected);
    }

    [Fact]
    public async Task Losing_the_connection_stops_its_subscriptions()
    {
        DBusConnection listener = await Bus.ConnectAsync();
        SignalSubscription subscription = await listener.SubscribeAsync(new MatchRule { Member = "Tick" }, _ => { });

        await listener.DisposeAsync();

        await Assert.ThrowsAsync<DBusConnectionClosedException>(() => subscription.Completion.WaitAsync(Patience));
    }

    [Fact]
    public async Task A_well_known_sender_and_a_quoted_arg0_select_signals_on_a_real_bus()
    {
        await using DBusConnection listener = await Bus.ConnectAsync();
        await using DBusConnection emitter = await Bus.ConnectAsync();
        Assert.Equal(1u, await BusDriver.RequestNameAsync(emitter, "com.example.Emitter"));
        var received = new Collector<string>(1);
        await using SignalSubscription subscription = await listener.SubscribeAsync(
            new MatchRule { Sender = "com.example.Emitter", Interface = TickerInterface, Arg0 = "it's, quoted" },
            message => received.Add(message.GetBodyReader().ReadString()));

        // Same sender, same order: if the first one delivered is the matching one, the other was filtered by the bus.
        emitter.EmitSignal("/com/example/Ticker", TickerInterface, "Say", "s", (ref MessageWriter w) => w.WriteString("its"));
        emitter.EmitSignal("/com/example/Ticker", TickerInterface, "Say", "s", (ref MessageWriter w) => w.WriteString("it's, quoted"));

        Assert.Equal(["it's, quoted"], await received.Complete.WaitAsync(Patience));
    }

    [Fact]
    public async Task PropertiesChanged_signals_arrive_decoded_and_filtered_by_interface()
    {
        await using DBusConnection listener = await Bus.ConnectAsync();
        await using DBusConnection emitter = await Bus.ConnectAsync();
        var received = new Collector<PropertiesChanged>(1);
        await using SignalSubscription subscription = await listener.SubscribePropertiesChangedAsync(
            new MatchRule { Sender = emitter.UniqueName, PathNamespace = "/com/example", Arg0 = TestPeer.ThingInterface },
            received.Add);

        EmitPropertiesChanged(emitter, "com.example.Other", "ignored");
        EmitPropertiesChanged(emitter, TestPeer.ThingInterface, "active");

        PropertiesChanged changed = Assert.Single(await received.Complete.WaitAsync(Patience));
        Assert.Equal(TestPeer.ObjectPath, changed.Path.ToString());
        Assert.Equal(TestPeer.ThingInterface, changed.Interface);
        Assert.Equal("active", changed.Changed["ActiveState"].GetString());
        Assert.Equal(4242u, changed.Changed["MainPID"].GetUInt32());
        Assert.Equal(["SubState"], changed.Invalidated);
    }

    private static void Tick(DBusConnection emitter, string member, uint value) =>
        emitter.EmitSignal("/com/example/Ticker", TickerInterface, member, "u", (ref MessageWriter w) => w.WriteUInt32(value));

    private static void EmitPropertiesChanged(DBusConnection emitter, string @interface, string activeState) =>
        emitter.EmitSignal(TestPeer.ObjectPath, DBusProperties.Interface, "PropertiesChanged", PropertiesChanged.Signature, (ref MessageWriter w) =>
        {
            w.WriteString(@interface);
            w.WriteDictionary([new("ActiveState", activeState), new("MainPID", 4242u)]);
            w.WriteArray(["SubState"]);
        });

    /// <summary>Collects values from a handler; completes once <c>expected</c> have arrived.</summary>
    private sealed class Collector<T>(int expected)
    {
        private readonly ConcurrentQueue<T> _items = new();
        private readonly TaskCompletionSource<T[]> _complete = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<T[]> Complete => _complete.Task;

        public int Count => _items.Count;

        public void Add(T item)
        {
            _items.Enqueue(item);
            if (_items.Count == expected)
            {
                _complete.TrySetResult([.. _items]);
            }
        }
    }
}
