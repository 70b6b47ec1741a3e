using Vks.Actors.Packages;

namespace Vks.Actors.Tests.Packages;

public sealed class AptStateStampTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("vks-apt-state-");

    private string Lists => _directory.CreateSubdirectory("lists").FullName;

    private string Status => Path.Combine(_directory.FullName, "status");

    [Fact]
    public void Unchanged_files_give_an_equal_stamp()
    {
        File.WriteAllText(Status, "Package: bash\n");
        File.WriteAllText(Path.Combine(Lists, "deb.debian.org_Packages"), "Package: bash\n");

        Assert.Equal(Read(), Read());
    }

    [Fact]
    public void A_file_added_to_a_directory_changes_the_stamp()
    {
        var before = Read();

        File.WriteAllText(Path.Combine(Lists, "new_Packages"), "");

        Assert.NotEqual(before, Read());
    }

    [Fact]
    public void A_file_in_a_subdirectory_rewritten_with_the_same_size_changes_the_stamp()
    {
        var nested = Path.Combine(_directory.CreateSubdirectory("lists/partial").FullName, "InRelease");
        File.WriteAllText(nested, "aaaa");
        var before = Read();

        File.WriteAllText(nested, "bbbb");
        File.SetLastWriteTimeUtc(nested, File.GetLastWriteTimeUtc(nested).AddSeconds(1));

        Assert.NotEqual(before, Read());
    }

    [Fact]
    public void A_status_file_that_appears_or_goes_changes_the_stamp()
    {
        var absent = Read();
        File.WriteAllText(Status, "Package: bash\n");
        var present = Read();
        File.Delete(Status);

        Assert.NotEqual(absent, present);
        Assert.Equal(absent, Read());
    }

    public void Dispose() => _directory.Delete(recursive: true);

    private AptStateStamp Read() => AptStateStamp.Read([Status, Lists]);
}
