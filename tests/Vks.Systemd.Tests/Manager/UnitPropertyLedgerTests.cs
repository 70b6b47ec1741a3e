// The ledger orders property values by the serial of the message that carried them, because GetAll replies and
// PropertiesChanged signals are handled on different tasks and can be applied out of the order systemd sent them.
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Vks.Systemd.DBus;
using Vks.Systemd.Manager;

namespace Vks.Systemd.Tests.Manager;

public sealed class UnitPropertyLedgerTests
{
    private const string Unit = SystemdBus.UnitInterface;
    private const string Systemd = ":1.0";
    private const string SystemdAfterReexec = ":1.77";
    private static readonly string[] Names = ["Id", "ActiveState", "SubState"];

    [Fact]
    public void A_signal_sent_before_the_reply_does_not_overwrite_it()
    {
        UnitPropertyLedger ledger = NewLedger();

        ledger.ApplyReply(Unit, Values(("ActiveState", "active")), Systemd, serial: 20);
        ledger.ApplySignal(Signal(("ActiveState", "activating")), Systemd, serial: 19);

        Assert.Equal("active", ActiveState(ledger));
    }

    [Fact]
    public void A_signal_sent_after_the_reply_wins_even_when_applied_first()
    {
        UnitPropertyLedger ledger = NewLedger();

        ledger.ApplySignal(Signal(("ActiveState", "failed")), Systemd, serial: 21);
        ledger.ApplyReply(Unit, Values(("ActiveState", "active"), ("SubState", "running")), Systemd, serial: 20);

        Assert.Equal("failed", ActiveState(ledger));
        Assert.Equal("running", ledger.ValuesOf(Unit)["SubState"].GetString());
    }

    [Fact]
    public void Serials_compare_across_the_wrap_at_two_to_the_32()
    {
        UnitPropertyLedger ledger = NewLedger();

        ledger.ApplyReply(Unit, Values(("ActiveState", "active")), Systemd, serial: uint.MaxValue - 1);
        ledger.ApplySignal(Signal(("ActiveState", "failed")), Systemd, serial: 3);
        ledger.ApplySignal(Signal(("ActiveState", "stale")), Systemd, serial: uint.MaxValue - 2);

        Assert.Equal("failed", ActiveState(ledger));
    }

    [Fact]
    public void Once_a_reply_named_the_sender_signals_from_any_other_are_dropped()
    {
        UnitPropertyLedger ledger = NewLedger();
        ledger.ApplyReply(Unit, Values(("ActiveState", "active")), Systemd, serial: 20);

        ledger.ApplySignal(Signal(("ActiveState", "failed")), ":1.99", serial: 500);

        Assert.Equal("active", ActiveState(ledger));
    }

    [Fact]
    public void After_systemd_reconnected_its_reply_replaces_every_value_whatever_the_serials()
    {
        UnitPropertyLedger ledger = NewLedger();
        ledger.ApplyReply(Unit, Values(("ActiveState", "active"), ("SubState", "running")), Systemd, serial: 90_000);

        ledger.BeginResync();
        ledger.ApplySignal(Signal(("SubState", "stale-from-the-old-connection")), Systemd, serial: 90_001);
        ledger.ApplySignal(Signal(("ActiveState", "failed")), SystemdAfterReexec, serial: 12);
        ledger.ApplyReply(Unit, Values(("ActiveState", "activating"), ("SubState", "dead")), SystemdAfterReexec, serial: 10);
        ledger.ApplySignal(Signal(("SubState", "late-from-the-old-connection")), Systemd, serial: 90_002);

        Assert.Equal("failed", ActiveState(ledger));
        Assert.Equal("dead", ledger.ValuesOf(Unit)["SubState"].GetString());
    }

    [Fact]
    public void After_a_bus_restart_gave_systemd_its_old_unique_name_the_reply_wins_over_higher_old_serials()
    {
        UnitPropertyLedger ledger = NewLedger();
        ledger.ApplyReply(Unit, Values(("ActiveState", "active"), ("SubState", "running")), Systemd, serial: 90_000);
        ledger.ApplySignal(Signal(("ActiveState", "deactivating")), Systemd, serial: 90_005);

        ledger.BeginResync();
        ledger.ApplyReply(Unit, Values(("ActiveState", "failed"), ("SubState", "failed")), Systemd, serial: 4);
        ledger.ApplySignal(Signal(("SubState", "sent-before-the-reply")), Systemd, serial: 3);

        Assert.Equal("failed", ActiveState(ledger));
        Assert.Equal("failed", ledger.ValuesOf(Unit)["SubState"].GetString());
    }

    [Fact]
    public void An_invalidated_property_takes_only_a_value_read_after_the_invalidation()
    {
        UnitPropertyLedger ledger = NewLedger();
        ledger.ApplyReply(Unit, Values(("ActiveState", "active")), Systemd, serial: 10);

        ledger.ApplySignal(new PropertiesChanged(new ObjectPath("/u"), Unit, Values(), ["ActiveState"]), Systemd, serial: 30);
        ledger.ApplyReply(Unit, Values(("ActiveState", "read-before-the-invalidation")), Systemd, serial: 25);
        Assert.Equal("active", ActiveState(ledger));

        ledger.ApplyReply(Unit, Values(("ActiveState", "read-after-the-invalidation")), Systemd, serial: 31);
        Assert.Equal("read-after-the-invalidation", ActiveState(ledger));
    }

    [Fact]
    public void Only_tracked_properties_are_kept()
    {
        UnitPropertyLedger ledger = NewLedger();

        ledger.ApplyReply(Unit, Values(("ActiveState", "active"), ("Description", "not tracked")), Systemd, serial: 1);
        ledger.ApplyReply(SystemdBus.ServiceInterface, Values(("ActiveState", "wrong interface")), Systemd, serial: 2);

        Assert.Equal(["ActiveState"], ledger.ValuesOf(Unit).Keys);
        Assert.Empty(ledger.ValuesOf(SystemdBus.ServiceInterface));
    }

    /// <summary>Whatever order replies and signals of one sender are applied in, each property ends with the value
    /// of the last message (by serial) that carried it, also when the serials wrap.</summary>
    [Property(MaxTest = 500)]
    public Property Any_application_order_ends_in_the_state_of_the_sending_order() =>
        Prop.ForAll(Scenarios().ToArbitrary(), scenario =>
        {
            (Step[] steps, int[] order, uint firstSerial) = scenario;
            UnitPropertyLedger ledger = NewLedger();
            foreach (int index in order)
            {
                Step step = steps[index];
                uint serial = unchecked(firstSerial + (uint)index);
                Dictionary<string, Variant> values = Names.Where((_, bit) => (step.Mask & (1 << bit)) != 0)
                    .ToDictionary(name => name, name => new Variant($"{name}@{index}"));
                if (step.IsReply)
                {
                    ledger.ApplyReply(Unit, values, Systemd, serial);
                }
                else
                {
                    ledger.ApplySignal(new PropertiesChanged(new ObjectPath("/u"), Unit, values, []), Systemd, serial);
                }
            }

            IReadOnlyDictionary<string, Variant> final = ledger.ValuesOf(Unit);
            for (int bit = 0; bit < Names.Length; bit++)
            {
                int last = Array.FindLastIndex(steps, step => (step.Mask & (1 << bit)) != 0);
                if (last < 0)
                {
                    Assert.False(final.ContainsKey(Names[bit]));
                }
                else
                {
                    Assert.Equal($"{Names[bit]}@{last}", final[Names[bit]].GetString());
                }
            }
        });

    private static Gen<(Step[] Steps, int[] Order, uint FirstSerial)> Scenarios() =>
        from steps in (from isReply in Gen.Elements(false, true) from mask in Gen.Choose(1, 7) select new Step(isReply, isReply ? 7 : mask)).ArrayOf()
        from order in Gen.Shuffle(Enumerable.Range(0, steps.Length).ToArray())
        from firstSerial in Gen.Elements(1u, uint.MaxValue - 3)
        select (steps, order, firstSerial);

    private static UnitPropertyLedger NewLedger() => new(UnitPropertyDecoder.StateProperties);

    private static string ActiveState(UnitPropertyLedger ledger) => ledger.ValuesOf(Unit)["ActiveState"].GetString();

    private static PropertiesChanged Signal(params (string Name, string Value)[] values) =>
        new(new ObjectPath("/org/freedesktop/systemd1/unit/probe_2eservice"), Unit, Values(values), []);

    private static Dictionary<string, Variant> Values(params (string Name, string Value)[] values) =>
        values.ToDictionary(value => value.Name, value => new Variant(value.Value));

    private sealed record Step(bool IsReply, int Mask);
}
