// SystemdMetrics against a real dbus-daemon: every call sent is counted, replies are timed, errors are counted by
// kind (the error name, timeout, closed), a cancelled call is no error, and received signals are counted. Each
// scenario uses an interface name of its own, which is a label, so the counts are exact.
using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Vks.Systemd.DBus;

namespace Vks.Systemd.Tests.DBus;

[Collection(MetricsCollection.Name)]
public sealed class DBusMetricsTests(PrivateBusFixture fixture) : IClassFixture<PrivateBusFixture>, IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly MeasurementRecorder _recorder = new();

    private PrivateBus Bus => fixture.Bus;

    public void Dispose() => _recorder.Dispose();

    [Fact]
    public async Task Answered_calls_are_counted_and_timed()
    {
        const string Interface = "com.example.MeteredEcho";
        await using DBusConnection connection = await Bus.ConnectAsync();
        await using TestPeer peer = await TestPeer.StartAsync(Bus);

        for (int i = 0; i < 3; i++)
        {
            await connection.CallMethodAsync(peer.Name, TestPeer.ObjectPath, Interface, "Echo", "s", (ref MessageWriter w) => w.WriteString("hi"));
        }

        Assert.Equal(3, _recorder.Sum("vks.dbus.calls", Interface, "Echo"));
        Assert.Equal(3, _recorder.Values("vks.dbus.call.duration", Interface, "Echo").Count);
        Assert.All(_recorder.Values("vks.dbus.call.duration", Interface, "Echo"), seconds => Assert.InRange(seconds, double.Epsilon, Patience.TotalSeconds));
        Assert.Empty(_recorder.Values("vks.dbus.call.errors", Interface, "Echo"));
    }

    [Fact]
    public async Task An_error_reply_is_timed_and_counted_by_its_error_name()
    {
        const string Interface = "com.example.MeteredFail";
        await using DBusConnection connection = await Bus.ConnectAsync();
        await using TestPeer peer = await TestPeer.StartAsync(Bus);

        await Assert.ThrowsAsync<DBusErrorException>(() => connection.CallMethodAsync(peer.Name, TestPeer.ObjectPath, Interface, "Fail"));
        await Assert.ThrowsAsync<DBusErrorException>(() => connection.CallMethodAsync(peer.Name, TestPeer.ObjectPath, Interface, "NoSuchMethod"));

        Assert.Equal(1, _recorder.Sum("vks.dbus.calls", Interface, "Fail"));
        Assert.Equal(1, _recorder.Sum("vks.dbus.call.errors", Interface, "Fail", error: "com.example.Error.OnPurpose"));
        Assert.Equal(1, _recorder.Sum("vks.dbus.call.errors", Interface, "NoSuchMethod", error: "org.freedesktop.DBus.Error.UnknownMethod"));
        Assert.Single(_recorder.Values("vks.dbus.call.duration", Interface, "Fail"));
    }

    [Fact]
    public async Task A_timeout_and_a_closed_connection_are_errors_and_a_cancelled_call_is_not()
    {
        const string Interface = "com.example.MeteredNever";
        await using TestPeer peer = await TestPeer.StartAsync(Bus);
        await using DBusConnection connection = await Bus.ConnectAsync();
        DBusConnection closing = await Bus.ConnectAsync();

        await Assert.ThrowsAsync<TimeoutException>(() => connection.CallMethodAsync(
            peer.Name, TestPeer.ObjectPath, Interface, "Never", timeout: TimeSpan.FromMilliseconds(100)));
        using var cancellation = new CancellationTokenSource();
        Task cancelled = connection.CallMethodAsync(peer.Name, TestPeer.ObjectPath, Interface + "Cancelled", "Never", cancellationToken: cancellation.Token);
        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(Patience));
        Task closed = closing.CallMethodAsync(peer.Name, TestPeer.ObjectPath, Interface + "Closed", "Never");
        await closing.DisposeAsync();
        await Assert.ThrowsAsync<DBusConnectionClosedException>(() => closed.WaitAsync(Patience));

        Assert.Equal(1, _recorder.Sum("vks.dbus.calls", Interface, "Never"));
        Assert.Equal(1, _recorder.Sum("vks.dbus.call.errors", Interface, "Never", error: "timeout"));
        Assert.Empty(_recorder.Values("vks.dbus.call.duration", Interface, "Never"));
        Assert.Equal(1, _recorder.Sum("vks.dbus.calls", Interface + "Cancelled", "Never"));
        Assert.Empty(_recorder.Values("vks.dbus.call.errors", Interface + "Cancelled", "Never"));
        Assert.Equal(1, _recorder.Sum("vks.dbus.calls", Interface + "Closed", "Never"));
        Assert.Equal(1, _recorder.Sum("vks.dbus.call.errors", Interface + "Closed", "Never", error: "closed"));
    }

    [Fact]
    public async Task Received_signals_are_counted()
    {
        const string Interface = "com.example.MeteredTicker";
        await using DBusConnection listener = await Bus.ConnectAsync();
        await using DBusConnection emitter = await Bus.ConnectAsync();
        int received = 0;
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using SignalSubscription subscription = await listener.SubscribeAsync(
            new MatchRule { Sender = emitter.UniqueName, Interface = Interface },
            _ =>
            {
                if (Interlocked.Increment(ref received) == 3)
                {
                    all.SetResult();
                }
            });

        for (int i = 0; i < 3; i++)
        {
            emitter.EmitSignal("/com/example/Ticker", Interface, "Tick");
        }

        await all.Task.WaitAsync(Patience);
        Assert.Equal(3, _recorder.Sum("vks.dbus.signals", Interface, "Tick"));
    }

    /// <summary>What the Vks.Systemd instruments measure while it exists.</summary>
    private sealed class MeasurementRecorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<Measured> _measured = new();

        public MeasurementRecorder()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == SystemdMetrics.MeterName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
            _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
            _listener.Start();
        }

        public IReadOnlyList<double> Values(string instrument, string @interface, string member, string? error = null) =>
            _measured.Where(m => m.Instrument == instrument
                                 && m.Tags.GetValueOrDefault("interface") == @interface
                                 && m.Tags.GetValueOrDefault("member") == member
                                 && (error is null || m.Tags.GetValueOrDefault("error") == error))
                .Select(m => m.Value).ToList();

        public double Sum(string instrument, string @interface, string member, string? error = null) =>
            Values(instrument, @interface, member, error).Sum();

        public void Dispose() => _listener.Dispose();

        private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var labels = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var tag in tags)
            {
                labels[tag.Key] = tag.Value as string;
            }

            _measured.Enqueue(new Measured(instrument.Name, value, labels));
        }

        private sealed record Measured(string Instrument, double Value, Dictionary<string, string?> Tags);
    }
}

/// <summary>Tests that read the process-wide Vks.* meters run alone, so no other test's measurements mix in.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection
{
    public const string Name = "Process-wide metrics";
}
