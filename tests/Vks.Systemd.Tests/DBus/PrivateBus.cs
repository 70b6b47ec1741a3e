using System.Diagnostics;
using System.Globalization;
using Vks.Systemd.DBus;

namespace Vks.Systemd.Tests.DBus;

/// <summary>A real dbus-daemon on a socket in a temporary directory, with a permissive policy, started from a
/// temporary config file with --print-address --nofork. It can be killed and restarted on the same address,
/// which is how the reconnect tests simulate a bus restart.</summary>
public sealed class PrivateBus : IAsyncDisposable
{
    private readonly string _directory;
    private readonly string _configPath;
    private Process? _daemon;

    private PrivateBus(string directory, string configPath, string address)
    {
        _directory = directory;
        _configPath = configPath;
        Address = address;
    }

    /// <summary>The address dbus-daemon printed, e.g. unix:path=/tmp/.../bus,guid=...</summary>
    public string Address { get; private set; }

    /// <param name="auth">The SASL mechanism the daemon accepts; ANONYMOUS tests our fallback.</param>
    /// <param name="abstractSocket">Listen on an abstract socket instead of a path.</param>
    /// <param name="maxRepliesPerConnection">How many calls of one connection may await replies at once.</param>
    public static async Task<PrivateBus> StartAsync(string auth = "EXTERNAL", bool abstractSocket = false, int maxRepliesPerConnection = 100000)
    {
        string directory = Directory.CreateTempSubdirectory("vks-dbus-").FullName;
        string listen = abstractSocket
            ? "unix:abstract=vks-test-" + Path.GetFileName(directory)
            : "unix:path=" + Path.Combine(directory, "bus");
        string anonymous = auth == "ANONYMOUS" ? "<allow_anonymous/>" : string.Empty;
        string configPath = Path.Combine(directory, "bus.conf");
        await File.WriteAllTextAsync(configPath, string.Create(CultureInfo.InvariantCulture, $"""
            <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
             "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
            <busconfig>
              <type>custom</type>
              <listen>{listen}</listen>
              <auth>{auth}</auth>
              {anonymous}
              <policy context="default">
                <allow send_destination="*" eavesdrop="true"/>
                <allow eavesdrop="true"/>
                <allow own="*"/>
                <allow user="*"/>
              </policy>
              <limit name="max_replies_per_connection">{maxRepliesPerConnection}</limit>
              <limit name="max_match_rules_per_connection">100000</limit>
            </busconfig>
            """));

        var bus = new PrivateBus(directory, configPath, string.Empty);
        await bus.StartDaemonAsync();
        return bus;
    }

    public Task<DBusConnection> ConnectAsync(DBusConnectionOptions? options = null) =>
        DBusConnection.ConnectAsync(Address, options).WaitAsync(TimeSpan.FromSeconds(10));

    /// <summary>Kills the daemon the hard way (SIGKILL), as a crash would.</summary>
    public async Task KillAsync()
    {
        if (_daemon is { HasExited: false } daemon)
        {
            daemon.Kill();
            await daemon.WaitForExitAsync();
        }
    }

    /// <summary>Starts a new daemon on the same socket.</summary>
    public Task RestartAsync() => StartDaemonAsync();

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _daemon?.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task StartDaemonAsync()
    {
        _daemon?.Dispose();
        var start = new ProcessStartInfo("/usr/bin/dbus-daemon")
        {
            ArgumentList = { "--config-file=" + _configPath, "--print-address", "--nofork" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _daemon = Process.Start(start) ?? throw new InvalidOperationException("dbus-daemon did not start.");
        _daemon.ErrorDataReceived += (_, _) => { }; // it warns when it cannot raise its fd limit; drain stderr
        _daemon.BeginErrorReadLine();
        string? address = await _daemon.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Address = string.IsNullOrEmpty(address) ? throw new InvalidOperationException("dbus-daemon printed no address.") : address;
    }
}

/// <summary>One daemon shared by the tests of a class.</summary>
public sealed class PrivateBusFixture : IAsyncLifetime
{
    public PrivateBus Bus { get; private set; } = null!;

    public async Task InitializeAsync() => Bus = await PrivateBus.StartAsync();

    public async Task DisposeAsync() => await Bus.DisposeAsync();
}
