namespace Vks.Node.Tests.KubeletApi.Stats;

/// <summary>A fresh directory for fake /proc and cgroup trees, removed on dispose.</summary>
internal sealed class TemporaryDirectory : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("vks-stats-");

    public string Path => _directory.FullName;

    public void Dispose() => _directory.Delete(recursive: true);
}
