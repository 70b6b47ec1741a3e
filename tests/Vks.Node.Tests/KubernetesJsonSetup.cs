// KubernetesClient's JSON options can only change before their first use, and tests of this assembly use them in any
// order: register vks's watch-event context when the assembly loads, as the daemon does before its first request.
using System.Runtime.CompilerServices;
using Vks.Node.Kubernetes;

namespace Vks.Node.Tests;

internal static class KubernetesJsonSetup
{
    [ModuleInitializer]
    internal static void RegisterWatchEvents() => WatchEventJson.Register();
}
