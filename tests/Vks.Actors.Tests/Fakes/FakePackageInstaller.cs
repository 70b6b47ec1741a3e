// apt, in memory: a test says which packages and versions the index has and which are installed, and may hold
// installs at a gate to see what queues behind them. It records the order of calls and the most calls ever in flight
// at once, which must stay 1: apt and dpkg run one at a time.
using Vks.Actors.Packages;
using Vks.Node.Images;

namespace Vks.Actors.Tests.Fakes;

internal sealed class FakePackageInstaller : IPackageInstaller
{
    private readonly Lock _lock = new();
    private readonly List<string> _calls = [];
    private readonly Dictionary<string, List<string>> _index = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _indexAfterRefresh = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _installed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _units = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _failures = new(StringComparer.Ordinal);
    private int _inFlight;
    private TaskCompletionSource? _gate;

    public int MaxInFlight { get; private set; }

    public IReadOnlyList<string> Calls
    {
        get
        {
            lock (_lock)
            {
                return [.. _calls];
            }
        }
    }

    public int CountOf(string call) => Calls.Count(c => c == call);

    /// <summary>Versions the index has for a package; the last one is the candidate.</summary>
    public FakePackageInstaller Available(string package, params string[] versions)
    {
        lock (_lock)
        {
            _index[package] = [.. versions];
        }

        return this;
    }

    /// <summary>Versions that appear only once the index was refreshed.</summary>
    public FakePackageInstaller AvailableAfterRefresh(string package, params string[] versions)
    {
        lock (_lock)
        {
            _indexAfterRefresh[package] = [.. versions];
        }

        return this;
    }

    public FakePackageInstaller Installed(string package, string version)
    {
        lock (_lock)
        {
            _installed[package] = version;
        }

        return this;
    }

    public FakePackageInstaller WithUnit(string package, string unitText)
    {
        lock (_lock)
        {
            _units[package] = unitText;
        }

        return this;
    }

    /// <summary>apt-get install of the package fails with this error line.</summary>
    public FakePackageInstaller Failing(string package, string errorLine)
    {
        lock (_lock)
        {
            _failures[package] = errorLine;
        }

        return this;
    }

    public FakePackageInstaller Succeeding(string package)
    {
        lock (_lock)
        {
            _failures.Remove(package);
        }

        return this;
    }

    /// <summary>Installs wait until <see cref="OpenGate"/>.</summary>
    public void CloseGate()
    {
        lock (_lock)
        {
            _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public void OpenGate()
    {
        TaskCompletionSource? gate;
        lock (_lock)
        {
            gate = _gate;
            _gate = null;
        }

        gate?.SetResult();
    }

    public async Task<PackageQuery> QueryAsync(string package, CancellationToken cancellationToken)
    {
        using var _ = Enter("query " + package);
        await Task.Yield();
        lock (_lock)
        {
            var versions = _index.GetValueOrDefault(package) ?? [];
            var installed = _installed.GetValueOrDefault(package);
            return new PackageQuery(installed, versions.LastOrDefault(), installed is null ? versions : [.. versions, installed]);
        }
    }

    public async Task<AptResult> InstallAsync(DebianPackageImage image, CancellationToken cancellationToken)
    {
        using var _ = Enter("install " + image.AptArgument);
        Task gate;
        lock (_lock)
        {
            gate = _gate?.Task ?? Task.CompletedTask;
        }

        await gate.WaitAsync(cancellationToken);
        lock (_lock)
        {
            if (_failures.TryGetValue(image.Package, out var error))
            {
                return AptResult.Failure(error);
            }

            var versions = _index.GetValueOrDefault(image.Package) ?? [];
            var version = image.Version ?? versions.LastOrDefault();
            if (version is null || !versions.Contains(version))
            {
                return AptResult.Failure(image.Version is null
                    ? $"Unable to locate package {image.Package}"
                    : $"Version '{image.Version}' for '{image.Package}' was not found");
            }

            _installed[image.Package] = version;
            return AptResult.Success;
        }
    }

    public async Task<AptResult> RefreshIndexAsync(CancellationToken cancellationToken)
    {
        using var _ = Enter("update");
        await Task.Yield();
        lock (_lock)
        {
            foreach (var (package, versions) in _indexAfterRefresh)
            {
                _index[package] = versions;
            }

            _indexAfterRefresh.Clear();
        }

        return AptResult.Success;
    }

    public async Task<string?> ReadServiceUnitAsync(string package, CancellationToken cancellationToken)
    {
        using var _ = Enter("units " + package);
        await Task.Yield();
        lock (_lock)
        {
            return _units.GetValueOrDefault(package);
        }
    }

    private Leave Enter(string call)
    {
        lock (_lock)
        {
            _calls.Add(call);
            _inFlight++;
            MaxInFlight = Math.Max(MaxInFlight, _inFlight);
        }

        return new Leave(this);
    }

    private readonly struct Leave(FakePackageInstaller installer) : IDisposable
    {
        public void Dispose()
        {
            lock (installer._lock)
            {
                installer._inFlight--;
            }
        }
    }
}
