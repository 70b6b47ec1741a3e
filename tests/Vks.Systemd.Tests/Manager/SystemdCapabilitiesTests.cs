using Vks.Systemd.Manager;

namespace Vks.Systemd.Tests.Manager;

public sealed class SystemdCapabilitiesTests
{
    [Theory]
    [InlineData("252.39-1~deb12u2", true)]
    [InlineData("247", true)]
    [InlineData("255.4-1ubuntu8", true)]
    [InlineData("246.10", false)]
    [InlineData("241", false)]
    [InlineData("", false)]
    [InlineData("v252", false)]
    [InlineData("99999999999999999999", false)]
    public void New_unit_files_load_without_a_reload_from_systemd_247(string version, bool expected) =>
        Assert.Equal(expected, SystemdCapabilities.LoadsNewUnitFilesWithoutReload(version));
}
