using Vks.Node.Pods;

namespace Vks.Node.Tests.Pods;

public sealed class PackageUnitTests
{
    [Fact]
    public void Keeps_the_entrypoint_and_the_carried_directives_and_drops_the_rest()
    {
        Assert.True(PackageUnit.TryParse(TestPods.UptimedUnit, out var unit, out var reason), reason);

        Assert.Equal(["/usr/sbin/uptimed -f"], unit.ExecStart.Select(d => d.Value));
        Assert.Equal(
            ["Type=notify", "ExecStartPre=/usr/sbin/uptimed -b", "ProtectSystem=strict", "ReadWritePaths=/var/spool/uptimed", "PrivateTmp=yes"],
            unit.Carried.Select(d => $"{d.Key}={d.Value}"));
        Assert.Equal("notify", unit.ServiceType);
        Assert.True(unit.TryGetEntrypoint(out var entrypoint, out _));
        Assert.Equal("/usr/sbin/uptimed", entrypoint);
    }

    [Fact]
    public void Carries_environment_files_and_variable_references_verbatim()
    {
        const string ssh = """
            [Service]
            EnvironmentFile=-/etc/default/ssh
            ExecStartPre=/usr/sbin/sshd -t
            ExecStart=/usr/sbin/sshd -D $SSHD_OPTS
            ExecReload=/bin/kill -HUP $MAINPID
            KillMode=process
            Restart=on-failure
            RuntimeDirectory=sshd
            RuntimeDirectoryMode=0755
            LimitNOFILE=65536
            """;

        Assert.True(PackageUnit.TryParse(ssh, out var unit, out var reason), reason);

        Assert.Equal(["/usr/sbin/sshd -D $SSHD_OPTS"], unit.ExecStart.Select(d => d.Value));
        Assert.Equal(
            ["EnvironmentFile", "ExecStartPre", "ExecReload", "RuntimeDirectory", "RuntimeDirectoryMode", "LimitNOFILE"],
            unit.Carried.Select(d => d.Key));
        Assert.Null(unit.ServiceType);
    }

    [Fact]
    public void An_empty_assignment_resets_earlier_ones()
    {
        const string text = """
            [Service]
            ExecStart=/usr/bin/old
            Environment=A=1
            ExecStart=
            Environment=
            ExecStart=/usr/bin/new --flag
            Environment=B=2
            """;

        Assert.True(PackageUnit.TryParse(text, out var unit, out var reason), reason);

        Assert.Equal(["/usr/bin/new --flag"], unit.ExecStart.Select(d => d.Value));
        Assert.Equal(["B=2"], unit.Carried.Select(d => d.Value));
    }

    [Theory]
    [InlineData("[Service]\nType=simple\n", "no ExecStart=")]
    [InlineData("[Unit]\nDescription=x\n", "no ExecStart=")]
    [InlineData("ExecStart=/bin/true\n", "could not be read")]
    [InlineData("[Service]\nExecStart=/usr/bin/foo --name %n\n", "%n in ExecStart=")]
    [InlineData("[Service]\nExecStart=/usr/bin/foo\nRuntimeDirectory=foo-%i\n", "%i in RuntimeDirectory=")]
    [InlineData("[Service]\nExecStart=/usr/bin/foo\nEnvironmentFile=/etc/default/%p\n", "%p in EnvironmentFile=")]
    public void Refuses_units_it_cannot_carry_over(string text, string reasonPart)
    {
        Assert.False(PackageUnit.TryParse(text, out var unit, out var reason));
        Assert.Null(unit);
        Assert.Contains(reasonPart, reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Allows_specifiers_that_do_not_depend_on_the_unit_name()
    {
        const string text = "[Service]\nExecStart=/usr/bin/foo --dir %t/foo --percent 100%%n\nRuntimeDirectory=foo\n";

        Assert.True(PackageUnit.TryParse(text, out var unit, out var reason), reason);
        Assert.Equal("/usr/bin/foo --dir %t/foo --percent 100%%n", unit.ExecStart[0].Value);
    }

    [Theory]
    [InlineData("ExecStart=-/usr/sbin/foo -x", "/usr/sbin/foo")]
    [InlineData("ExecStart=@/usr/sbin/foo foo-daemon -x", "/usr/sbin/foo")]
    [InlineData("ExecStart=+!/usr/sbin/foo", "/usr/sbin/foo")]
    [InlineData("ExecStart=foo -x", "foo")]
    public void Finds_the_entrypoint_after_systemd_prefixes(string line, string expected)
    {
        Assert.True(PackageUnit.TryParse("[Service]\n" + line + "\n", out var unit, out var reason), reason);
        Assert.True(unit.TryGetEntrypoint(out var entrypoint, out reason), reason);
        Assert.Equal(expected, entrypoint);
    }

    [Theory]
    [InlineData("[Service]\nType=oneshot\nExecStart=/bin/a\nExecStart=/bin/b\n", "2 ExecStart= lines")]
    [InlineData("[Service]\nExecStart=\"/opt/my app/run\"\n", "quoted, escaped or expanded")]
    [InlineData("[Service]\nExecStart=${BINARY} -x\n", "quoted, escaped or expanded")]
    public void Has_no_entrypoint_when_it_is_ambiguous(string text, string reasonPart)
    {
        Assert.True(PackageUnit.TryParse(text, out var unit, out var reason), reason);
        Assert.False(unit.TryGetEntrypoint(out var entrypoint, out reason));
        Assert.Null(entrypoint);
        Assert.Contains(reasonPart, reason, StringComparison.Ordinal);
    }
}
