using System.Reflection;

namespace Vks.E2E.Testbed;

public static class RepoPaths
{
    /// <summary>The checkout this test assembly was built from (recorded at build time).</summary>
    public static string Root { get; } = typeof(RepoPaths).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepoRoot").Value!;

    public static string TestbedScript => Path.Combine(Root, "scripts", "testbed");
}
