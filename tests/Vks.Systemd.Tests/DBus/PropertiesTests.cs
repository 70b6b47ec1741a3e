using Vks.Systemd.DBus;

namespace Vks.Systemd.Tests.DBus;

/// <summary>The org.freedesktop.DBus.Properties helpers against a peer of our own on a real bus.</summary>
public sealed class PropertiesTests(PrivateBusFixture fixture) : IClassFixture<PrivateBusFixture>
{
    [Fact]
    public async Task GetAll_returns_every_property_with_its_type()
    {
        await using DBusConnection connection = await fixture.Bus.ConnectAsync();
        await using TestPeer peer = await TestPeer.StartAsync(fixture.Bus);

        IReadOnlyDictionary<string, Variant> properties = await connection.GetAllPropertiesAsync(peer.Name, TestPeer.ObjectPath, TestPeer.ThingInterface);

        Assert.Equal(TestPeer.Properties.OrderBy(p => p.Key), properties.OrderBy(p => p.Key));
        Assert.Equal(1_700_000_000_000_000UL, properties["ExecMainStartTimestamp"].GetUInt64());
        Assert.Equal(["nginx.service", "web.service"], properties["Names"].GetItems().Select(v => v.GetString()));
        Assert.Equal("/", properties["Job"].GetItems()[1].GetObjectPath().ToString());
        Assert.Equal(16, properties["InvocationID"].GetBytes().Length);
    }

    [Fact]
    public async Task Get_returns_one_property_and_an_unknown_one_is_an_error()
    {
        await using DBusConnection connection = await fixture.Bus.ConnectAsync();
        await using TestPeer peer = await TestPeer.StartAsync(fixture.Bus);

        Variant mainPid = await connection.GetPropertyAsync(peer.Name, TestPeer.ObjectPath, TestPeer.ThingInterface, "MainPID");
        Assert.Equal(4242u, mainPid.GetUInt32());
        Assert.Throws<InvalidCastException>(() => mainPid.GetString());

        DBusErrorException unknown = await Assert.ThrowsAsync<DBusErrorException>(() => connection.GetPropertyAsync(peer.Name, TestPeer.ObjectPath, TestPeer.ThingInterface, "Nope"));
        Assert.Equal("org.freedesktop.DBus.Error.UnknownProperty", unknown.ErrorName);
    }
}
