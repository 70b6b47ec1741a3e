using System.Runtime.Versioning;
using Vks.Systemd.Units;

namespace Vks.Systemd.Tests.Units;

[SupportedOSPlatform("linux")]
public sealed class UnitFileStoreTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("vks-store-");

    private UnitFileStore Store => new(_directory.FullName);

    public void Dispose() => _directory.Delete(recursive: true);

    private static UnitFile Unit(string description) =>
        new([new UnitSection("Unit", [UnitDirective.Plain("Description", description)])]);

    [Fact]
    public async Task Written_units_read_back_and_are_world_readable_but_not_writable()
    {
        await Store.WriteAsync("vks-a.service", Unit("first"));

        var path = Path.Combine(_directory.FullName, "vks-a.service");
        Assert.Equal("[Unit]\nDescription=first\n", await File.ReadAllTextAsync(path));
        Assert.Equal(
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            File.GetUnixFileMode(path));
        var read = await Store.ReadAsync("vks-a.service");
        Assert.Equal([new UnitDirective("Description", "first")], read!.Sections[0].Directives);
    }

    [Fact]
    public async Task Rewriting_replaces_the_file_and_leaves_no_temporary_files()
    {
        await Store.WriteAsync("vks-a.service", Unit("first"));
        var path = Path.Combine(_directory.FullName, "vks-a.service");
        using var oldFile = new StreamReader(path);

        await Store.WriteAsync("vks-a.service", Unit("second"));

        // A handle opened before the rewrite still sees the old content: the new file arrived by rename,
        // so no reader can ever see it half written.
        Assert.Equal("[Unit]\nDescription=first\n", await oldFile.ReadToEndAsync());
        Assert.Equal("[Unit]\nDescription=second\n", await File.ReadAllTextAsync(path));
        Assert.Equal(["vks-a.service"], _directory.EnumerateFileSystemInfos().Select(f => f.Name));
    }

    [Fact]
    public async Task Many_writes_then_listing_shows_exactly_the_unit_files()
    {
        foreach (var name in new[] { "vks-c.service", "vks-a.service", "vks-b.socket" })
        {
            await Store.WriteAsync(name, Unit(name));
        }

        File.CreateSymbolicLink(Path.Combine(_directory.FullName, "link.service"), Path.Combine(_directory.FullName, "vks-a.service"));
        await File.WriteAllTextAsync(Path.Combine(_directory.FullName, ".#vks-d.service.0123"), "left over");
        Directory.CreateDirectory(Path.Combine(_directory.FullName, "multi-user.target.wants"));

        Assert.Equal(["vks-a.service", "vks-b.socket", "vks-c.service"], Store.ListUnitNames());
    }

    [Fact]
    public async Task Removing_deletes_the_file_and_tolerates_absence()
    {
        await Store.WriteAsync("vks-a.service", Unit("first"));

        await Store.RemoveAsync("vks-a.service");
        await Store.RemoveAsync("vks-a.service");

        Assert.Null(await Store.ReadAsync("vks-a.service"));
        Assert.Empty(Store.ListUnitNames());
    }

    [Theory]
    [InlineData("../escape.service")]
    [InlineData("sub/dir.service")]
    [InlineData("no-suffix")]
    [InlineData(".#tmp.service")]
    public async Task Names_that_are_not_unit_names_are_refused(string name)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.WriteAsync(name, Unit("x")));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.RemoveAsync(name));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.ReadAsync(name));
        Assert.Empty(_directory.EnumerateFileSystemInfos());
    }

    [Fact]
    public async Task Reading_a_malformed_file_is_a_format_error()
    {
        await File.WriteAllBytesAsync(Path.Combine(_directory.FullName, "bad.service"), [(byte)'[', 0xff, (byte)']']);
        await File.WriteAllTextAsync(Path.Combine(_directory.FullName, "bad2.service"), "Description=outside\n");

        await Assert.ThrowsAsync<FormatException>(() => Store.ReadAsync("bad.service"));
        await Assert.ThrowsAsync<FormatException>(() => Store.ReadAsync("bad2.service"));
    }

    [Fact]
    public async Task A_missing_directory_fails_the_write_and_lists_nothing()
    {
        var store = new UnitFileStore(Path.Combine(_directory.FullName, "missing"));

        await Assert.ThrowsAsync<DirectoryNotFoundException>(() => store.WriteAsync("vks-a.service", Unit("x")));
        Assert.Empty(store.ListUnitNames());
    }
}
