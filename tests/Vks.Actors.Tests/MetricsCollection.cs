namespace Vks.Actors.Tests;

/// <summary>Specs that read the process-wide Vks.* meters (and ActorMetrics' dump) run alone, so no other spec's
/// measurements mix in.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection
{
    public const string Name = "Process-wide metrics";
}
