// The image grammar: which images are accepted (and what they mean to apt), which are rejected and why, and that
// nothing accepted can ever be read by apt or dpkg as an option.
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Vks.Node.Images;

namespace Vks.Node.Tests.Images;

public sealed class ImageReferenceTests
{
    [Theory]
    [InlineData("uptimed", "uptimed", null, "uptimed")]
    [InlineData("uptimed:1:0.4.6-3", "uptimed", "1:0.4.6-3", "uptimed=1:0.4.6-3")]
    [InlineData("uptimed:0.4.6-3", "uptimed", "0.4.6-3", "uptimed=0.4.6-3")]
    [InlineData("nginx:1.22.1-9+deb12u1", "nginx", "1.22.1-9+deb12u1", "nginx=1.22.1-9+deb12u1")]
    [InlineData("libc6:2.36-9+deb12u4", "libc6", "2.36-9+deb12u4", "libc6=2.36-9+deb12u4")]
    [InlineData("g++:4:12.2.0-3", "g++", "4:12.2.0-3", "g++=4:12.2.0-3")]
    [InlineData("python3.11:3.11.2-6", "python3.11", "3.11.2-6", "python3.11=3.11.2-6")]
    [InlineData("bash:5.2.15-2+b7", "bash", "5.2.15-2+b7", "bash=5.2.15-2+b7")]
    [InlineData("foo:1.0~rc1", "foo", "1.0~rc1", "foo=1.0~rc1")]
    [InlineData("foo:2:1.0-rc1-1", "foo", "2:1.0-rc1-1", "foo=2:1.0-rc1-1")]
    [InlineData("foo:1:2:3", "foo", "1:2:3", "foo=1:2:3")]
    [InlineData("0ad", "0ad", null, "0ad")]
    public void Accepts_Debian_packages(string image, string package, string? version, string aptArgument)
    {
        Assert.True(ImageReference.TryParse(image, out var reference, out var reason), reason);
        var debian = Assert.IsType<DebianPackageImage>(reference);
        Assert.Equal(package, debian.Package);
        Assert.Equal(version, debian.Version);
        Assert.Equal(aptArgument, debian.AptArgument);
    }

    [Theory]
    [InlineData("/usr/sbin/foo")]
    [InlineData("/bin/sh")]
    [InlineData("/opt/app/bin/run-me_2.sh")]
    [InlineData("/opt/app:1.0")]
    public void Accepts_absolute_binary_paths(string image)
    {
        Assert.True(ImageReference.TryParse(image, out var reference, out var reason), reason);
        Assert.Equal(image, Assert.IsType<BinaryPathImage>(reference).Path);
    }

    [Theory]
    [InlineData(null, "empty")]
    [InlineData("", "empty")]
    [InlineData("docker.io/nginx:1.2", "container registry")]
    [InlineData("library/nginx", "container registry")]
    [InlineData("nginx@sha256:0123456789abcdef", "digest")]
    [InlineData("Nginx", "lower case")]
    [InlineData("a", "at least two characters")]
    [InlineData("-oapt::get::assume-yes=true", "start with a lower-case letter or a digit")]
    [InlineData("--allow-downgrades", "start with a lower-case letter or a digit")]
    [InlineData("foo=1.0", "may only hold")]
    [InlineData("foo_bar", "may only hold")]
    [InlineData("foo bar", "whitespace")]
    [InlineData(" foo", "whitespace")]
    [InlineData("foo\n", "whitespace")]
    [InlineData("foo\0", "control")]
    [InlineData("foo:", "upstream version must start with a digit")]
    [InlineData("foo:latest", "upstream version must start with a digit")]
    [InlineData("foo:-1", "upstream version must start with a digit")]
    [InlineData("foo:1.0-", "revision after the last '-' is empty")]
    [InlineData("foo:1.0-a_b", "revision may only hold")]
    [InlineData("foo:a:1.0", "epoch")]
    [InlineData("foo::1.0", "epoch")]
    [InlineData("foo:99999999999:1.0", "epoch is too large")]
    [InlineData("foo:1.0_beta", "may only hold")]
    [InlineData("foo:1:", "upstream version must start with a digit")]
    [InlineData("/usr/bin/", "must name a file")]
    [InlineData("/usr/../bin/sh", "clean absolute path")]
    [InlineData("/usr//bin/sh", "clean absolute path")]
    [InlineData("/usr/./bin/sh", "clean absolute path")]
    [InlineData("/opt/$HOME", "'$'")]
    [InlineData("/opt/a\"b", "'\"'")]
    [InlineData("/opt/a\\b", "'\\'")]
    [InlineData("/opt/a\nExecStart=/bin/evil", "whitespace")]
    public void Rejects_other_images_with_a_reason(string? image, string reasonPart)
    {
        Assert.False(ImageReference.TryParse(image, out var reference, out var reason));
        Assert.Null(reference);
        Assert.Contains(reasonPart, reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_images_longer_than_the_limit()
    {
        Assert.True(ImageReference.TryParse("a" + new string('b', 1023), out _, out _));
        Assert.False(ImageReference.TryParse("a" + new string('b', 1024), out _, out var reason));
        Assert.Contains("at most 1024", reason, StringComparison.Ordinal);
    }

    private static readonly string[] Pieces =
    [
        "-", "--", "=", ":", "::", "/", "@", " ", "\t", "\n", "\0", ".", "..", "+", "~", "_", "a", "z", "A", "0", "9",
        "1:", "-o", "--force-yes", "-y", "é", "%", "$", "\"", "\\", "sha256", "nginx",
    ];

    private static readonly Arbitrary<string> HostileImages =
        Gen.Elements(Pieces).ArrayOf().Select(string.Concat).ToArbitrary();

    [Property(MaxTest = 2000)]
    public Property No_accepted_image_gives_apt_or_dpkg_an_option() =>
        Prop.ForAll(HostileImages, image =>
        {
            if (!ImageReference.TryParse(image, out var reference, out var reason))
            {
                Assert.False(string.IsNullOrWhiteSpace(reason));
                return;
            }

            switch (reference)
            {
                case DebianPackageImage debian:
                    Assert.False(debian.AptArgument.StartsWith('-'));
                    Assert.False(debian.Package.StartsWith('-'));
                    Assert.DoesNotContain(debian.AptArgument, c => char.IsWhiteSpace(c) || char.IsControl(c));
                    // The argument says exactly what the image said: the first ':' becomes '='.
                    var colon = image.IndexOf(':', StringComparison.Ordinal);
                    Assert.Equal(colon < 0 ? image : image[..colon] + "=" + image[(colon + 1)..], debian.AptArgument);
                    Assert.Null(DebianGrammar.PackageNameError(debian.Package));
                    break;
                case BinaryPathImage binary:
                    Assert.StartsWith("/", binary.Path, StringComparison.Ordinal);
                    Assert.DoesNotContain("/../", binary.Path + "/", StringComparison.Ordinal);
                    Assert.DoesNotContain(binary.Path, c => char.IsControl(c));
                    break;
            }
        });

    [Property(MaxTest = 500)]
    public Property Valid_package_names_and_versions_compose_into_accepted_images() =>
        Prop.ForAll(
            Gen.Elements("ab", "0ad", "g++", "python3.11", "lib-x.y+z").ToArbitrary(),
            // [epoch:]upstream; a ':' inside the upstream version needs an epoch before it.
            Gen.Elements("0", "1.0", "2.36", "1.0~rc1", "4.6+dfsg", "1:0", "12:2.36", "1:2:3", "3:1.0-rc1").ToArbitrary(),
            Gen.Elements("", "-1", "-3+deb12u1", "-0~bpo1").ToArbitrary(),
            (name, upstream, revision) =>
            {
                var version = upstream + revision;
                Assert.True(ImageReference.TryParse(name + ":" + version, out var reference, out var reason), reason);
                Assert.Equal(new DebianPackageImage(name, version), reference);
            });
}
