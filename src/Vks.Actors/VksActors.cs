// The public way into the actor system: Vks.App starts the NodeSupervisor through Akka.Hosting and reaches it through
// IRequiredActor<NodeSupervisorMarker> (for the debug dump: Ask it DumpProtocol.DumpState for a NodeDump).
using Akka.Actor;
using Akka.Hosting;
using Vks.Actors.Node;

namespace Vks.Actors;

/// <summary>Names the NodeSupervisor in Akka.Hosting's actor registry.</summary>
public sealed class NodeSupervisorMarker
{
    private NodeSupervisorMarker()
    {
    }
}

public static class VksActors
{
    /// <summary>The actor's name under /user.</summary>
    public const string NodeSupervisorName = "node";

    public static Props NodeSupervisorProps(NodeSupervisorSettings settings, NodePorts ports)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(ports);
        return NodeSupervisor.Props(settings, ports);
    }

    /// <summary>Starts the NodeSupervisor (and so the whole node) once the actor system runs.</summary>
    /// <param name="ports">Builds the ports from the host's services.</param>
    public static AkkaConfigurationBuilder WithVksNode(
        this AkkaConfigurationBuilder builder, NodeSupervisorSettings settings, Func<IServiceProvider, NodePorts> ports)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(ports);
        return builder.WithActors((system, registry, resolver) =>
        {
            var node = system.ActorOf(NodeSupervisorProps(settings, ports(resolver.GetService<IServiceProvider>())), NodeSupervisorName);
            registry.Register<NodeSupervisorMarker>(node);
        });
    }
}
