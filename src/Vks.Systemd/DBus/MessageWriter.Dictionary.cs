namespace Vks.Systemd.DBus;

/// <summary>Writes of dictionaries (arrays of dict entries), with a shortcut for a{sv}.</summary>
public ref partial struct MessageWriter
{
    /// <summary>Starts a dictionary; for each entry call <see cref="WriteDictionaryEntryStart"/> then write the
    /// key and the value; finish with <see cref="WriteDictionaryEnd"/>.</summary>
    public ArrayStart WriteDictionaryStart() => WriteArrayStart(DBusType.DictEntry);

    /// <summary>Starts a dict entry: like structs, they begin on an 8-byte boundary.</summary>
    public void WriteDictionaryEntryStart() => Align(8);

    public void WriteDictionaryEnd(ArrayStart start) => WriteArrayEnd(start);

    /// <summary>Writes an a{sv}, e.g. properties or the options of a systemd call.</summary>
    public void WriteDictionary(IEnumerable<KeyValuePair<string, Variant>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArrayStart start = WriteDictionaryStart();
        foreach ((string key, Variant value) in entries)
        {
            WriteDictionaryEntryStart();
            WriteString(key);
            WriteVariant(value);
        }

        WriteDictionaryEnd(start);
    }
}
