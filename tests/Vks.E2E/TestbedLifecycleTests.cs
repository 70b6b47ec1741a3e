using System.Diagnostics;
using Vks.E2E.Testbed;

namespace Vks.E2E;

/// <summary>
/// scripts/testbed itself: a second testbed comes up beside the shared one and goes down without
/// a trace, a half-started one is removed by down, and up refuses clearly where it cannot work.
/// These run in the shared testbed's collection on purpose, so that they also show two testbeds
/// on one machine do not collide.
/// </summary>
[Collection(TestbedCollection.Name)]
public sealed class TestbedLifecycleTests(TestbedFixture fixture)
{
    private readonly Testbed.Testbed _shared = fixture.Testbed;

    [Fact]
    public async Task Down_leaves_no_mount_process_or_tmpfs_and_the_other_testbed_keeps_running()
    {
        var second = new Testbed.Testbed("vks-e2e-second");
        try
        {
            (await second.UpAsync()).EnsureSuccess("up of the second testbed");
            Assert.Equal("running", (await second.ExecAsync("systemctl", "is-system-running")).Stdout.Trim());
            Assert.NotEmpty(HostTraces.Of(second.StateDir));

            (await second.DownAsync()).EnsureSuccess("down of the second testbed");

            Assert.Empty(HostTraces.Of(second.StateDir));
            (await _shared.StatusAsync()).EnsureSuccess("status of the shared testbed after the second went down");
        }
        finally
        {
            await second.DownAsync();
        }
    }

    [Fact]
    public async Task Down_removes_a_testbed_whose_up_was_killed_half_way()
    {
        var half = new Testbed.Testbed("vks-e2e-half");
        // setsid: up leads its own process group, so killing the group stops up and every helper
        // it is waiting on, while what it spawned into sessions of their own stays: half a testbed.
        var up = Process.Start(new ProcessStartInfo("setsid")
        {
            ArgumentList = { RepoPaths.TestbedScript, "up", "--name", half.Name },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        try
        {
            // Kill up as soon as the machine's init exists: mounts and the machine are there,
            // the testbed is not up yet.
            var stateFile = Path.Combine(half.StateDir, "state.env");
            var booted = await Eventually.ReadUntilAsync(
                () => Task.FromResult(File.Exists(stateFile) && File.ReadAllText(stateFile).Contains("LEADER_PID=", StringComparison.Ordinal)),
                done => done || up.HasExited, TimeSpan.FromMinutes(5));
            if (!booted)
            {
                Assert.Fail($"up never booted the machine: {await up.StandardError.ReadToEndAsync()}");
            }
            (await ProcessRunner.RunAsync("kill", ["-KILL", "--", $"-{up.Id}"], TimeSpan.FromSeconds(10))).EnsureSuccess("kill");
            await up.WaitForExitAsync();
            Assert.DoesNotContain("UP=1", File.ReadAllText(stateFile), StringComparison.Ordinal);
            Assert.NotEmpty(HostTraces.Of(half.StateDir));

            (await half.DownAsync()).EnsureSuccess("down of the half-started testbed");

            Assert.Empty(HostTraces.Of(half.StateDir));
        }
        finally
        {
            if (!up.HasExited)
            {
                up.Kill(entireProcessTree: true);
            }
            up.Dispose();
            await half.DownAsync();
        }
    }

    [Fact]
    public async Task Up_as_a_normal_user_fails_with_a_clear_message_and_creates_nothing()
    {
        var scripts = CopyScriptsWhereEveryoneCanRead();
        try
        {
            var result = await ProcessRunner.RunAsync("setpriv",
                ["--reuid=65534", "--regid=65534", "--clear-groups", "--",
                 Path.Combine(scripts, "testbed"), "up", "--name", "vks-e2e-nonroot"],
                TimeSpan.FromSeconds(30));

            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains("must run as root", result.Stderr, StringComparison.Ordinal);
            Assert.Empty(HostTraces.Of(Path.Combine(Testbed.Testbed.StateRoot, "vks-e2e-nonroot")));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(scripts)!, recursive: true);
        }
    }

    [Fact]
    public async Task Up_without_systemd_nspawn_on_path_fails_with_a_clear_message_and_creates_nothing()
    {
        // A PATH with every host tool but systemd-nspawn: the package is installed, the binary is
        // not to be found, which is what "no systemd-nspawn after install" looks like.
        var bin = Directory.CreateTempSubdirectory("vks-e2e-path-").FullName;
        try
        {
            foreach (var dir in new[] { "/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin" })
            {
                foreach (var tool in Directory.EnumerateFiles(dir))
                {
                    var link = Path.Combine(bin, Path.GetFileName(tool));
                    if (Path.GetFileName(tool) != "systemd-nspawn" && !File.Exists(link))
                    {
                        File.CreateSymbolicLink(link, tool);
                    }
                }
            }

            var result = await ProcessRunner.RunAsync(RepoPaths.TestbedScript, ["up", "--name", "vks-e2e-nonspawn"],
                TimeSpan.FromMinutes(5), new Dictionary<string, string> { ["PATH"] = bin });

            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains("systemd-nspawn is not on PATH", result.Stderr, StringComparison.Ordinal);
            Assert.Empty(HostTraces.Of(Path.Combine(Testbed.Testbed.StateRoot, "vks-e2e-nonspawn")));
        }
        finally
        {
            Directory.Delete(bin, recursive: true);
        }
    }

    /// <summary>The checkout may live where nobody but root can read (CI clones anywhere).</summary>
    private static string CopyScriptsWhereEveryoneCanRead()
    {
        var top = Directory.CreateTempSubdirectory("vks-e2e-scripts-").FullName;
        File.SetUnixFileMode(top, (UnixFileMode)0b111_101_101);
        var scripts = Path.Combine(top, "scripts");
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "scripts"), "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(scripts, Path.GetRelativePath(Path.Combine(RepoPaths.Root, "scripts"), file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.SetUnixFileMode(Path.GetDirectoryName(target)!, (UnixFileMode)0b111_101_101);
            File.Copy(file, target);
            File.SetUnixFileMode(target, (UnixFileMode)0b111_101_101);
        }
        return scripts;
    }
}
