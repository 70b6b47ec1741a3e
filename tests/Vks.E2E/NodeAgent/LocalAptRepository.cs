// A flat apt repository with two versions of a tiny package, so a Deployment can roll from one image tag to another
// (the Debian archive has one version of each package). It is built on the host with dpkg-deb into the testbed's
// share/ directory, which the machine sees read-only at /opt/vks-testbed, and added to the machine's apt sources.
// The package ships its own systemd unit, so its containers need no command: vks takes the unit's ExecStart.
using System.Security.Cryptography;
using System.Text;
using Vks.E2E.Testbed;

namespace Vks.E2E.NodeAgent;

public sealed class LocalAptRepository(Testbed.Testbed testbed)
{
    public const string Package = "vks-e2e-hello";
    private const string SourcesFile = "/etc/apt/sources.list.d/vks-e2e.list";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    private string HostDirectory => Path.Combine(testbed.StateDir, "share", "e2e-apt");

    /// <summary>Builds the package in each version, writes the index, and makes the machine's apt see it.</summary>
    public async Task PublishAsync(params string[] versions)
    {
        Directory.CreateDirectory(HostDirectory);
        var index = new StringBuilder();
        foreach (var version in versions)
        {
            var deb = await BuildAsync(version);
            var bytes = await File.ReadAllBytesAsync(deb);
            index.Append(CultureInvariant($"""
                Package: {Package}
                Version: {version}
                Architecture: all
                Maintainer: vks e2e <vks@localhost>
                Installed-Size: 1
                Filename: ./{Path.GetFileName(deb)}
                Size: {bytes.Length}
                SHA256: {Convert.ToHexStringLower(SHA256.HashData(bytes))}
                Description: vks end-to-end test package, version {version}
                """)).Append("\n\n"); // a blank line ends the stanza
        }
        await File.WriteAllTextAsync(Path.Combine(HostDirectory, "Packages"), index.ToString());
        await File.WriteAllTextAsync(testbed.MachinePath(SourcesFile), "deb [trusted=yes] file:/opt/vks-testbed/e2e-apt ./\n");
        // An operator who adds a repository updates the index; vks refreshes on its own only for unknown packages.
        (await testbed.ExecAsync("apt-get", "update", "-q")).EnsureSuccess("apt-get update");
    }

    /// <summary>Removes the package and the repository from the machine.</summary>
    public async Task RemoveAsync()
    {
        await testbed.ExecAsync("apt-get", "purge", "-y", "-q", "--", Package);
        File.Delete(testbed.MachinePath(SourcesFile));
        await testbed.ExecAsync("apt-get", "update", "-q");
        Directory.Delete(HostDirectory, recursive: true);
    }

    private async Task<string> BuildAsync(string version)
    {
        var root = Path.Combine(HostDirectory, $"build-{version}");
        Directory.CreateDirectory(Path.Combine(root, "DEBIAN"));
        Directory.CreateDirectory(Path.Combine(root, "usr", "bin"));
        Directory.CreateDirectory(Path.Combine(root, "lib", "systemd", "system"));
        await File.WriteAllTextAsync(Path.Combine(root, "DEBIAN", "control"), $"""
            Package: {Package}
            Version: {version}
            Architecture: all
            Maintainer: vks e2e <vks@localhost>
            Description: vks end-to-end test package, version {version}

            """);
        var program = Path.Combine(root, "usr", "bin", Package);
        await File.WriteAllTextAsync(program, $"#!/bin/sh\necho \"{Package} {version} says $GREETING\"\nexec sleep infinity\n");
        File.SetUnixFileMode(program, (UnixFileMode)0b111_101_101);
        // Environment= is one of the package unit's directives vks carries over.
        await File.WriteAllTextAsync(Path.Combine(root, "lib", "systemd", "system", $"{Package}.service"), $"""
            [Unit]
            Description=vks e2e hello {version}

            [Service]
            Type=simple
            Environment=GREETING=hello
            ExecStart=/usr/bin/{Package}

            [Install]
            WantedBy=multi-user.target

            """);
        var deb = Path.Combine(HostDirectory, $"{Package}_{version}_all.deb");
        (await ProcessRunner.RunAsync("dpkg-deb", ["--root-owner-group", "--build", root, deb], Timeout)).EnsureSuccess("dpkg-deb --build");
        Directory.Delete(root, recursive: true);
        return deb;
    }

    private static string CultureInvariant(FormattableString text) => FormattableString.Invariant(text);
}
