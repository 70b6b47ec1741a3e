using Vks.Systemd.DBus;

namespace Vks.Systemd.Tests.DBus;

public sealed class MatchRuleTests
{
    private static readonly Message UnitChanged = Message.Parse(Wire.Serialize(
        new OutgoingHeader(MessageType.Signal, 5)
        {
            Path = "/org/freedesktop/systemd1/unit/nginx_2eservice",
            Interface = "org.freedesktop.DBus.Properties",
            Member = "PropertiesChanged",
            Signature = "sa{sv}as",
        },
        (ref MessageWriter w) =>
        {
            w.WriteString("org.freedesktop.systemd1.Unit");
            w.WriteDictionary([]);
            w.WriteArray(ReadOnlySpan<string>.Empty);
        }));

    [Fact]
    public void Renders_the_AddMatch_syntax()
    {
        var rule = new MatchRule
        {
            Sender = "org.freedesktop.systemd1",
            Interface = "org.freedesktop.systemd1.Manager",
            Member = "JobRemoved",
            Path = "/org/freedesktop/systemd1",
        };

        Assert.Equal(
            "type='signal',sender='org.freedesktop.systemd1',interface='org.freedesktop.systemd1.Manager',member='JobRemoved',path='/org/freedesktop/systemd1'",
            rule.ToString());
        Assert.Equal("type='signal',path_namespace='/a',destination=':1.2',arg0='x'", new MatchRule { PathNamespace = "/a", Destination = ":1.2", Arg0 = "x" }.ToString());
    }

    [Fact]
    public void Escapes_an_apostrophe_the_way_the_specification_says()
    {
        Assert.Equal(@"type='signal',arg0='it'\''s, quoted'", new MatchRule { Arg0 = "it's, quoted" }.ToString());
    }

    [Theory]
    [InlineData(null, null, null, null, true)]
    [InlineData("/org/freedesktop/systemd1/unit/nginx_2eservice", null, null, null, true)]
    [InlineData("/org/freedesktop/systemd1/unit", null, null, null, false)]
    [InlineData(null, "/org/freedesktop/systemd1", null, null, true)]
    [InlineData(null, "/org/freedesktop/systemd1/unit/nginx_2eservice", null, null, true)]
    [InlineData(null, "/org/freedesktop/systemd", null, null, false)]
    [InlineData(null, "/", null, null, true)]
    [InlineData(null, null, "org.freedesktop.systemd1.Unit", null, true)]
    [InlineData(null, null, "org.freedesktop.systemd1.Service", null, false)]
    [InlineData(null, null, null, "PropertiesChanged", true)]
    [InlineData(null, null, null, "JobRemoved", false)]
    public void Checks_path_namespace_arg0_and_member_locally(string? path, string? pathNamespace, string? arg0, string? member, bool matches)
    {
        var rule = new MatchRule { Path = path, PathNamespace = pathNamespace, Arg0 = arg0, Member = member };
        Assert.Equal(matches, rule.Matches(UnitChanged));
    }

    [Fact]
    public void Checks_unique_sender_names_but_leaves_well_known_ones_to_the_bus()
    {
        Message fromUnique = Message.Parse(Wire.FromHex("""
            6c0401011d000000050000008900000001016f00150000002f6f72672f667265656465736b746f702f4442757300000002017300140000
            006f72672e667265656465736b746f702e444275730000000003017300100000004e616d654f776e65724368616e676564000000000000
            000007017300140000006f72672e667265656465736b746f702e444275730000000008016700037373730000000000000000040000003a
            312e33000000000000000000000000040000003a312e3300
            """));
        Assert.True(new MatchRule { Sender = "org.freedesktop.DBus" }.Matches(fromUnique));
        Assert.False(new MatchRule { Sender = ":1.3" }.Matches(fromUnique));
        Assert.False(new MatchRule { Interface = "org.freedesktop.DBus.Properties" }.Matches(fromUnique));
        Assert.True(new MatchRule { Sender = "org.freedesktop.systemd1" }.Matches(UnitChanged));
        Assert.False(new MatchRule { Sender = ":1.9" }.Matches(UnitChanged));
    }
}
