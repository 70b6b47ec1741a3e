namespace Vks.Systemd.DBus;

/// <summary>Reads of structs: call <see cref="AlignStruct"/> then read each field in order.</summary>
public ref partial struct Reader
{
    /// <summary>Starts a struct: structs begin on an 8-byte boundary.</summary>
    public void AlignStruct()
    {
        Expect('(');
        Align(8);
    }
}
