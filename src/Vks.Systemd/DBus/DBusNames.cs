namespace Vks.Systemd.DBus;

/// <summary>The naming rules of the specification for bus, interface, error and member names. We check names we
/// send (a message with a bad name makes the bus drop our whole connection) and names we receive.</summary>
internal static class DBusNames
{
    /// <summary>Interface and error names: two or more dot-separated elements of [A-Za-z_][A-Za-z0-9_]*.</summary>
    public static bool IsValidInterface(ReadOnlySpan<char> name) => IsDottedName(name, allowHyphen: false, allowLeadingDigit: false);

    public static bool IsValidErrorName(ReadOnlySpan<char> name) => IsValidInterface(name);

    /// <summary>Member names: one element of [A-Za-z_][A-Za-z0-9_]*.</summary>
    public static bool IsValidMember(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || name.Length > ProtocolLimits.MaxNameLength || char.IsAsciiDigit(name[0]))
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!IsNameChar(c, allowHyphen: false))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Bus names: unique (":1.42", elements may start with a digit) or well-known ("org.freedesktop.systemd1").</summary>
    public static bool IsValidBusName(ReadOnlySpan<char> name)
    {
        if (name.Length > 0 && name[0] == ':')
        {
            return IsDottedName(name[1..], allowHyphen: true, allowLeadingDigit: true) && name.Length <= ProtocolLimits.MaxNameLength;
        }

        return IsDottedName(name, allowHyphen: true, allowLeadingDigit: false);
    }

    private static bool IsDottedName(ReadOnlySpan<char> name, bool allowHyphen, bool allowLeadingDigit)
    {
        if (name.IsEmpty || name.Length > ProtocolLimits.MaxNameLength)
        {
            return false;
        }

        int elements = 0;
        int elementLength = 0;
        foreach (char c in name)
        {
            if (c == '.')
            {
                if (elementLength == 0)
                {
                    return false;
                }

                elements++;
                elementLength = 0;
                continue;
            }

            if (!IsNameChar(c, allowHyphen) || (elementLength == 0 && !allowLeadingDigit && char.IsAsciiDigit(c)))
            {
                return false;
            }

            elementLength++;
        }

        return elementLength > 0 && elements >= 1;
    }

    private static bool IsNameChar(char c, bool allowHyphen) =>
        char.IsAsciiLetterOrDigit(c) || c == '_' || (allowHyphen && c == '-');
}
