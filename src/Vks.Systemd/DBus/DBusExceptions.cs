namespace Vks.Systemd.DBus;

/// <summary>Bytes that break the D-Bus protocol: a malformed message from the peer, a failed authentication,
/// or a message whose body does not have the types a reader asked for. When it comes from the socket the
/// connection is closed, because the stream can no longer be trusted.</summary>
public sealed class DBusProtocolException : Exception
{
    public DBusProtocolException(string message)
        : base(message)
    {
    }

    public DBusProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>An error reply to a method call, e.g. <c>org.freedesktop.systemd1.NoSuchUnit</c>.</summary>
public sealed class DBusErrorException : Exception
{
    public DBusErrorException(string errorName, string errorMessage)
        : base($"{errorName}: {errorMessage}")
    {
        ErrorName = errorName;
        ErrorMessage = errorMessage;
    }

    /// <summary>The D-Bus error name, e.g. <c>org.freedesktop.DBus.Error.ServiceUnknown</c>.</summary>
    public string ErrorName { get; }

    /// <summary>The human-readable text the peer sent with the error (empty when it sent none).</summary>
    public string ErrorMessage { get; }
}

/// <summary>The connection is gone (peer closed it, the bus was restarted, a protocol error, or it was disposed).
/// A call that was in flight may or may not have been executed by its receiver.</summary>
public sealed class DBusConnectionClosedException : Exception
{
    public DBusConnectionClosedException(string message)
        : base(message)
    {
    }

    public DBusConnectionClosedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A signal subscription's queue filled up because its handler did not keep up. The subscription
/// stops rather than silently dropping a signal; the owner must subscribe again and resynchronise.</summary>
public sealed class DBusSubscriptionOverflowException : Exception
{
    public DBusSubscriptionOverflowException(string message)
        : base(message)
    {
    }
}
