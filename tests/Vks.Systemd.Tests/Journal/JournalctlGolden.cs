// Output of `journalctl --output=json --all --output-fields=MESSAGE,PRIORITY,_SYSTEMD_INVOCATION_ID` (systemd 252),
// captured from a real journald fed with native-protocol entries: plain UTF-8, a multi-line message, invalid
// UTF-8 (printed as a byte array), a repeated MESSAGE field (an array of values), control characters (a byte
// array) and an entry without MESSAGE. The first line's _SYSTEMD_INVOCATION_ID was added by hand: that
// journald ran outside systemd, so no entry had one.
namespace Vks.Systemd.Tests.Journal;

internal static class JournalctlGolden
{
    internal const string CapturedOutput =
        """
        {"__REALTIME_TIMESTAMP":"1795467184383860","__CURSOR":"s=1208916ddf3a48dc846f5d39f13bf837;i=15f;b=76ac7466de9a451bbdad24dd43c10159;m=abce1e42;t=660f7c7bb2774;x=f5def4934f526cc1","_BOOT_ID":"76ac7466de9a451bbdad24dd43c10159","PRIORITY":"6","_SYSTEMD_INVOCATION_ID":"0a1b2c3d4e5f60718293a4b5c6d7e8f9","__MONOTONIC_TIMESTAMP":"2882412098","MESSAGE":"plain text é ✓"}
        {"__REALTIME_TIMESTAMP":"1795467184384347","__CURSOR":"s=1208916ddf3a48dc846f5d39f13bf837;i=160;b=76ac7466de9a451bbdad24dd43c10159;m=abce2029;t=660f7c7bb295b;x=8ff8e222eccf578d","_BOOT_ID":"76ac7466de9a451bbdad24dd43c10159","PRIORITY":"3","__MONOTONIC_TIMESTAMP":"2882412585","MESSAGE":"first line\nsecond line\ttab"}
        {"__REALTIME_TIMESTAMP":"1795467184384399","__CURSOR":"s=1208916ddf3a48dc846f5d39f13bf837;i=161;b=76ac7466de9a451bbdad24dd43c10159;m=abce205d;t=660f7c7bb298f;x=dffb6454bacd77d3","_BOOT_ID":"76ac7466de9a451bbdad24dd43c10159","PRIORITY":"7","__MONOTONIC_TIMESTAMP":"2882412637","MESSAGE":[98,97,100,32,117,116,102,56,32,255,254,32,101,110,100]}
        {"__REALTIME_TIMESTAMP":"1795467184384427","__CURSOR":"s=1208916ddf3a48dc846f5d39f13bf837;i=162;b=76ac7466de9a451bbdad24dd43c10159;m=abce2079;t=660f7c7bb29ab;x=27722a850478ec67","_BOOT_ID":"76ac7466de9a451bbdad24dd43c10159","__MONOTONIC_TIMESTAMP":"2882412665","MESSAGE":["one","two"]}
        {"__REALTIME_TIMESTAMP":"1795467184384456","__CURSOR":"s=1208916ddf3a48dc846f5d39f13bf837;i=163;b=76ac7466de9a451bbdad24dd43c10159;m=abce2095;t=660f7c7bb29c8;x=c3a7189ecf842e48","_BOOT_ID":"76ac7466de9a451bbdad24dd43c10159","__MONOTONIC_TIMESTAMP":"2882412693","MESSAGE":[27,91,51,49,109,114,101,100,27,91,48,109]}
        {"__REALTIME_TIMESTAMP":"1795467184384477","__CURSOR":"s=1208916ddf3a48dc846f5d39f13bf837;i=164;b=76ac7466de9a451bbdad24dd43c10159;m=abce20ab;t=660f7c7bb29dd;x=e6a9aaea000b2671","_BOOT_ID":"76ac7466de9a451bbdad24dd43c10159","__MONOTONIC_TIMESTAMP":"2882412715"}
        """;
}
