// The I/O half of host facts: reads the kernel and system files and hands their content to HostFactsParser.
// Linux only; the statvfs layout below is glibc's on 64-bit architectures, the ones vks runs on.
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Vks.Node.Nodes;

public sealed class HostFactsReader
{
    private readonly string _root;

    /// <param name="root">The file-system root the files are read under; "/" except in tests.</param>
    public HostFactsReader(string root = "/")
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        _root = root;
    }

    public HostFacts ReadFacts()
    {
        var (memoryTotal, _) = HostFactsParser.ParseMemInfo(Read("proc/meminfo"));
        var varFileSystem = StatVfs(Path.Combine(_root, "var"));
        var routeInterface = HostFactsParser.ParseDefaultRouteInterface(Read("proc/net/route"));
        return new HostFacts(
            Hostname: HostFactsParser.ParseHostname(Read("proc/sys/kernel/hostname")),
            DefaultRouteAddress: routeInterface is null ? null : InterfaceAddress(routeInterface),
            CpuCount: HostFactsParser.CountCpus(Read("sys/devices/system/cpu/online")),
            MemoryBytes: memoryTotal,
            EphemeralStorageBytes: varFileSystem.TotalBytes,
            MachineId: HostFactsParser.ParseMachineId(Read("etc/machine-id")),
            BootId: HostFactsParser.ParseBootId(Read("proc/sys/kernel/random/boot_id")),
            KernelVersion: HostFactsParser.ParseLine(Read("proc/sys/kernel/osrelease")),
            OsImage: OsImage(),
            Architecture: HostFactsParser.GoArchitecture(RuntimeInformation.OSArchitecture));
    }

    public HostUsage ReadUsage()
    {
        var (_, memoryAvailable) = HostFactsParser.ParseMemInfo(Read("proc/meminfo"));
        var varFileSystem = StatVfs(Path.Combine(_root, "var"));
        return new HostUsage(
            MemoryAvailableBytes: memoryAvailable,
            VarAvailableBytes: varFileSystem.AvailableBytes,
            VarTotalBytes: varFileSystem.TotalBytes,
            VarInodesFree: varFileSystem.InodesFree,
            VarInodesTotal: varFileSystem.InodesTotal,
            RunningTasks: HostFactsParser.ParseRunningTasks(Read("proc/loadavg")),
            PidMax: HostFactsParser.ParseNumber(Read("proc/sys/kernel/pid_max")));
    }

    private string Read(string relativePath) => File.ReadAllText(Path.Combine(_root, relativePath));

    // os-release(5): /etc/os-release, falling back to /usr/lib/os-release.
    private string OsImage()
    {
        var etc = Path.Combine(_root, "etc/os-release");
        var text = File.Exists(etc) ? File.ReadAllText(etc) : Read("usr/lib/os-release");
        return HostFactsParser.ParseOsReleasePrettyName(text) ?? "Linux";
    }

    private static string? InterfaceAddress(string interfaceName) =>
        NetworkInterface.GetAllNetworkInterfaces()
            .FirstOrDefault(i => i.Name == interfaceName)?
            .GetIPProperties().UnicastAddresses
            .FirstOrDefault(a => a.Address.AddressFamily == AddressFamily.InterNetwork)?
            .Address.ToString();

    private readonly record struct FileSystemUsage(long TotalBytes, long AvailableBytes, long InodesTotal, long InodesFree);

    private static FileSystemUsage StatVfs(string path)
    {
        if (StatVfs(path, out var stat) != 0)
        {
            throw new IOException($"statvfs({path}) failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }

        return new FileSystemUsage(
            checked((long)(stat.BlockCount * stat.FragmentSize)),
            checked((long)(stat.BlocksAvailable * stat.FragmentSize)),
            checked((long)stat.Files),
            checked((long)stat.FilesFree));
    }

    // struct statvfs on 64-bit glibc: eleven unsigned longs, then int __f_spare[6].
    [StructLayout(LayoutKind.Sequential)]
    private struct StatVfsResult
    {
        public ulong BlockSize;
        public ulong FragmentSize;
        public ulong BlockCount;
        public ulong BlocksFree;
        public ulong BlocksAvailable;
        public ulong Files;
        public ulong FilesFree;
        public ulong FilesAvailable;
        public ulong FileSystemId;
        public ulong Flags;
        public ulong NameMax;
        public ulong Spare0;
        public ulong Spare1;
        public ulong Spare2;
    }

    // DllImport rather than LibraryImport: the source generator needs unsafe code, which this project does not allow.
    [DllImport("libc", EntryPoint = "statvfs", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int StatVfs(string path, out StatVfsResult result);
}
