using Vks.Systemd.DBus;

namespace Vks.Systemd.Tests.DBus;

/// <summary>The grammar and limits of signatures, object paths and bus, interface and member names.</summary>
public sealed class SignatureAndNameTests
{
    [Theory]
    [InlineData("")]
    [InlineData("y")]
    [InlineData("a{sv}")]
    [InlineData("(ii)")]
    [InlineData("aa{s(iv)}")]
    [InlineData("a(sasbttttuii)")]
    [InlineData("sa{sv}as")]
    public void Valid_signatures(string signature)
    {
        Assert.True(Signature.IsValid(signature));
        Assert.Equal(signature, new Signature(signature).ToString());
    }

    [Theory]
    [InlineData("a")]
    [InlineData("()")]
    [InlineData("(")]
    [InlineData(")")]
    [InlineData("{sv}")]
    [InlineData("a{vs}")]
    [InlineData("a{s}")]
    [InlineData("a{sss}")]
    [InlineData("z")]
    [InlineData("(i")]
    [InlineData("a{sv")]
    [InlineData("i)")]
    [InlineData("a{(i)s}")]
    public void Invalid_signatures(string signature)
    {
        Assert.False(Signature.IsValid(signature));
        Assert.Throws<ArgumentException>(() => new Signature(signature));
    }

    [Fact]
    public void Nesting_limits_are_32_arrays_and_32_structs()
    {
        Assert.True(Signature.IsValid(new string('a', 32) + "y"));
        Assert.False(Signature.IsValid(new string('a', 33) + "y"));
        Assert.True(Signature.IsValid(new string('(', 32) + "y" + new string(')', 32)));
        Assert.False(Signature.IsValid(new string('(', 33) + "y" + new string(')', 33)));
        Assert.True(Signature.IsValid(string.Concat(Enumerable.Repeat("a(", 32)) + "y" + new string(')', 32)));

        // A dict entry counts as a struct.
        Assert.True(Signature.IsValid(string.Concat(Enumerable.Repeat("a{s", 31)) + "y" + new string('}', 31)));
        Assert.False(Signature.IsValid(string.Concat(Enumerable.Repeat("a{s", 16)) + string.Concat(Enumerable.Repeat("(", 17)) + "y" + new string(')', 17) + new string('}', 16)));
    }

    [Fact]
    public void Signatures_are_at_most_255_characters()
    {
        Assert.True(Signature.IsValid(new string('y', 255)));
        Assert.False(Signature.IsValid(new string('y', 256)));
    }

    [Fact]
    public void A_variant_needs_exactly_one_complete_type()
    {
        Assert.True(Signature.IsSingleCompleteType("a{sv}"));
        Assert.False(Signature.IsSingleCompleteType("ss"));
        Assert.False(Signature.IsSingleCompleteType(string.Empty));
    }

    [Theory]
    [InlineData("/", true)]
    [InlineData("/org/freedesktop/systemd1/unit/nginx_2eservice", true)]
    [InlineData("/A/b_9", true)]
    [InlineData("", false)]
    [InlineData("org", false)]
    [InlineData("/org/", false)]
    [InlineData("//org", false)]
    [InlineData("/org//x", false)]
    [InlineData("/org/free-desktop", false)]
    [InlineData("/org/a.b", false)]
    [InlineData("/ünï", false)]
    public void Object_paths(string path, bool valid)
    {
        Assert.Equal(valid, ObjectPath.IsValid(path));
        if (!valid)
        {
            Assert.Throws<ArgumentException>(() => new ObjectPath(path));
        }
    }

    [Theory]
    [InlineData("org.freedesktop.systemd1", true)]
    [InlineData(":1.42", true)]
    [InlineData(":1.42-x", true)]
    [InlineData("org.my-app.Thing", true)]
    [InlineData("nodots", false)]
    [InlineData("org..x", false)]
    [InlineData("org.1x", false)]
    [InlineData(".org.x", false)]
    [InlineData("org.x.", false)]
    [InlineData(":", false)]
    [InlineData("", false)]
    public void Bus_names(string name, bool valid) => Assert.Equal(valid, DBusNames.IsValidBusName(name));

    [Fact]
    public void Interface_and_member_names()
    {
        Assert.True(DBusNames.IsValidInterface("org.freedesktop.DBus.Properties"));
        Assert.False(DBusNames.IsValidInterface("org.my-app.X"));
        Assert.False(DBusNames.IsValidInterface("Properties"));
        Assert.False(DBusNames.IsValidInterface("org." + new string('x', 255)));
        Assert.True(DBusNames.IsValidMember("PropertiesChanged"));
        Assert.True(DBusNames.IsValidMember("_x9"));
        Assert.False(DBusNames.IsValidMember("9x"));
        Assert.False(DBusNames.IsValidMember("a.b"));
        Assert.False(DBusNames.IsValidMember(string.Empty));
    }
}
