namespace Vks.Systemd.DBus;

/// <summary>Reads of dictionaries (arrays of dict entries), with a shortcut for the ubiquitous a{sv}.</summary>
public ref partial struct Reader
{
    /// <summary>Starts a dictionary; for each entry while <see cref="HasNext"/> is true, call
    /// <see cref="AlignDictEntry"/> then read the key and the value.</summary>
    public ArrayEnd ReadDictionaryStart() => ReadArrayStart(DBusType.DictEntry);

    /// <summary>Starts a dict entry: like structs, they begin on an 8-byte boundary.</summary>
    public void AlignDictEntry()
    {
        Expect('{');
        Align(8);
    }

    /// <summary>Reads an a{sv}, e.g. the properties of Properties.GetAll. A repeated key keeps its last value.</summary>
    public Dictionary<string, Variant> ReadDictionaryOfStringToVariant()
    {
        ArrayEnd end = ReadDictionaryStart();
        var entries = new Dictionary<string, Variant>(StringComparer.Ordinal);
        while (HasNext(end))
        {
            AlignDictEntry();
            string key = ReadString();
            entries[key] = ReadVariant();
        }

        return entries;
    }
}
