namespace Vks.Systemd.DBus;

/// <summary>Writes of structs: call <see cref="WriteStructStart"/> then write each field in order.</summary>
public ref partial struct MessageWriter
{
    /// <summary>Starts a struct: structs begin on an 8-byte boundary.</summary>
    public void WriteStructStart() => Align(8);
}
