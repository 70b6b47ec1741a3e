using Vks.Systemd.DBus;

namespace Vks.Systemd.Tests.DBus;

public sealed class DBusAddressTests
{
    [Fact]
    public void Parses_a_path_address()
    {
        DBusAddress address = Assert.Single(DBusAddress.ParseList("unix:path=/run/dbus/system_bus_socket"));
        Assert.Equal("/run/dbus/system_bus_socket", address.Path);
        Assert.False(address.IsAbstract);
        Assert.Null(address.Guid);
    }

    [Fact]
    public void Parses_an_abstract_address_with_a_guid()
    {
        DBusAddress address = Assert.Single(DBusAddress.ParseList("unix:abstract=/tmp/dbus-XYZ,guid=0123456789abcdef0123456789abcdef"));
        Assert.Equal("/tmp/dbus-XYZ", address.Path);
        Assert.True(address.IsAbstract);
        Assert.Equal("0123456789abcdef0123456789abcdef", address.Guid);
    }

    [Fact]
    public void Undoes_percent_escapes_as_utf8()
    {
        DBusAddress address = Assert.Single(DBusAddress.ParseList("unix:path=/tmp/with%20space%2c%3d%c3%bc"));
        Assert.Equal("/tmp/with space,=ü", address.Path);
    }

    [Fact]
    public void Keeps_the_unix_entries_of_a_list_in_order()
    {
        IReadOnlyList<DBusAddress> addresses = DBusAddress.ParseList("tcp:host=localhost,port=1;unix:path=/a;;unix:tmpdir=/tmp;unix:abstract=b");
        Assert.Equal(["unix:path=/a", "unix:abstract=b"], addresses.Select(a => a.ToString()));
    }

    [Theory]
    [InlineData("nocolon")]
    [InlineData("unix:path")]
    [InlineData("unix:path=/a%2")]
    [InlineData("unix:path=/a%zz")]
    [InlineData("unix:path=/a,path=/b")]
    [InlineData("tcp:host=x,port=1")]
    [InlineData("unix:path=/a,abstract=b")]
    [InlineData("")]
    public void Refuses_malformed_or_unusable_addresses(string address)
    {
        Assert.Throws<FormatException>(() => DBusAddress.ParseList(address));
    }

    [Fact]
    public void The_system_bus_comes_from_the_environment_or_the_default_socket()
    {
        string? saved = Environment.GetEnvironmentVariable("DBUS_SYSTEM_BUS_ADDRESS");
        try
        {
            Environment.SetEnvironmentVariable("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/elsewhere");
            Assert.Equal("unix:path=/elsewhere", DBusAddress.SystemBus);
            Environment.SetEnvironmentVariable("DBUS_SYSTEM_BUS_ADDRESS", null);
            Assert.Equal("unix:path=/run/dbus/system_bus_socket", DBusAddress.SystemBus);
        }
        finally
        {
            Environment.SetEnvironmentVariable("DBUS_SYSTEM_BUS_ADDRESS", saved);
        }
    }
}
