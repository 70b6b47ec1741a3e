namespace Vks.E2E.Testbed;

/// <summary>
/// Brings one testbed up for the whole test run and takes it down at the end. For fast local
/// iteration set VKS_E2E_TESTBED to the name of a testbed you started yourself
/// (sudo scripts/testbed up --name NAME): it is reused and left running.
/// </summary>
public sealed class TestbedFixture : IAsyncLifetime
{
    public const string DefaultName = "vks-e2e";
    private readonly bool _reused;

    public TestbedFixture()
    {
        var reuse = Environment.GetEnvironmentVariable("VKS_E2E_TESTBED");
        _reused = !string.IsNullOrEmpty(reuse);
        Testbed = new Testbed(_reused ? reuse! : DefaultName);
    }

    public Testbed Testbed { get; }

    public async Task InitializeAsync()
    {
        if (_reused)
        {
            (await Testbed.StatusAsync()).EnsureSuccess($"testbed '{Testbed.Name}' named by VKS_E2E_TESTBED is not up; status");
            return;
        }
        (await Testbed.UpAsync()).EnsureSuccess("scripts/testbed up");
    }

    public async Task DisposeAsync()
    {
        if (!_reused)
        {
            (await Testbed.DownAsync()).EnsureSuccess("scripts/testbed down");
        }
    }
}

[CollectionDefinition(Name)]
public sealed class TestbedCollection : ICollectionFixture<TestbedFixture>
{
    public const string Name = "testbed";
}
