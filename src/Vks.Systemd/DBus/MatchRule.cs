using System.Text;

namespace Vks.Systemd.DBus;

/// <summary>Which signals a subscription wants. <see cref="ToString"/> renders the rule for the bus's AddMatch;
/// <see cref="Matches"/> checks it again on delivery, because the bus sends a connection every signal that
/// matches any of its rules (and unicast signals regardless), and each subscription must see only its own.
/// Unset fields match anything.</summary>
public sealed record MatchRule
{
    private const string BusName = "org.freedesktop.DBus";

    /// <summary>A unique name (":1.42") or a well-known name ("org.freedesktop.systemd1"). Signals carry the
    /// sender's unique name, so for a well-known name only the bus can check ownership; the local check then
    /// accepts any sender.</summary>
    public string? Sender { get; init; }

    public string? Interface { get; init; }

    public string? Member { get; init; }

    public string? Path { get; init; }

    /// <summary>The path itself and every path below it.</summary>
    public string? PathNamespace { get; init; }

    public string? Destination { get; init; }

    /// <summary>The first argument, when it is a string (e.g. the interface name of PropertiesChanged).</summary>
    public string? Arg0 { get; init; }

    /// <summary>The rule in AddMatch syntax, e.g. <c>type='signal',sender='org.freedesktop.systemd1',member='JobRemoved'</c>.
    /// Values are quoted; an apostrophe inside one is written as '\'' as the specification requires.</summary>
    public override string ToString()
    {
        var rule = new StringBuilder("type='signal'");
        Append(rule, "sender", Sender);
        Append(rule, "interface", Interface);
        Append(rule, "member", Member);
        Append(rule, "path", Path);
        Append(rule, "path_namespace", PathNamespace);
        Append(rule, "destination", Destination);
        Append(rule, "arg0", Arg0);
        return rule.ToString();
    }

    /// <summary>True when <paramref name="message"/> is a signal this rule selects.</summary>
    public bool Matches(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.Type == MessageType.Signal
            && SenderMatches(message.Sender)
            && (Interface is null || Interface == message.Interface)
            && (Member is null || Member == message.Member)
            && (Path is null || (message.Path is { } path && Path == path.ToString()))
            && (PathNamespace is null || (message.Path is { } scoped && IsInNamespace(scoped.ToString())))
            && (Destination is null || Destination == message.Destination)
            && (Arg0 is null || FirstArgumentIs(message, Arg0));
    }

    private bool SenderMatches(string? sender) =>
        Sender is null || Sender == sender || (!Sender.StartsWith(':') && Sender != BusName);

    private bool IsInNamespace(string path) =>
        PathNamespace == "/" || path == PathNamespace || (path.StartsWith(PathNamespace!, StringComparison.Ordinal) && path.Length > PathNamespace!.Length && path[PathNamespace.Length] == '/');

    private static bool FirstArgumentIs(Message message, string expected)
    {
        if (!message.Signature.StartsWith('s'))
        {
            return false;
        }

        Reader reader = message.GetBodyReader();
        return reader.ReadString() == expected;
    }

    private static void Append(StringBuilder rule, string key, string? value)
    {
        if (value is not null)
        {
            rule.Append(',').Append(key).Append("='").Append(value.Replace("'", @"'\''", StringComparison.Ordinal)).Append('\'');
        }
    }
}
