// The native protocol's route for entries too large for one datagram: the entry goes into a sealed memfd
// and only the file descriptor is sent, as SCM_RIGHTS ancillary data on an empty datagram (this is what
// libsystemd's sd_journal_sendv() does). .NET sockets cannot send ancillary data, hence libc.
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Vks.Systemd.Journal;

internal static unsafe partial class JournalMemfd
{
    private const uint MfdCloexec = 0x1;
    private const uint MfdAllowSealing = 0x2;
    private const int FAddSeals = 1024 + 9;
    // journald maps the memfd only when it can no longer change: seal size and content, and the seals.
    private const int AllSeals = 0x1 /* F_SEAL_SEAL */ | 0x2 /* F_SEAL_SHRINK */ | 0x4 /* F_SEAL_GROW */ | 0x8 /* F_SEAL_WRITE */;
    private const int SolSocket = 1;
    private const int ScmRights = 1;
    private const int MsgNoSignal = 0x4000;
    private const ushort AfUnix = 1;

    public static void Send(Socket socket, string socketPath, ReadOnlySpan<byte> entry)
    {
        var fd = MemfdCreate("journal-data", MfdCloexec | MfdAllowSealing);
        if (fd < 0)
        {
            throw Failure("memfd_create");
        }

        using var memfd = new SafeFileHandle(fd, ownsHandle: true);
        RandomAccess.Write(memfd, entry, fileOffset: 0);
        if (Fcntl(fd, FAddSeals, AllSeals) < 0)
        {
            throw Failure("fcntl(F_ADD_SEALS)");
        }

        SendDescriptor(socket, socketPath, fd);
    }

    private static void SendDescriptor(Socket socket, string socketPath, int fd)
    {
        var address = default(SockaddrUn);
        address.Family = AfUnix;
        var path = Encoding.UTF8.GetBytes(socketPath);
        if (path.Length >= SockaddrUn.PathCapacity)
        {
            throw new IOException($"Socket path '{socketPath}' is too long.");
        }

        path.CopyTo(new Span<byte>(address.Path, SockaddrUn.PathCapacity));

        // CMSG_SPACE(sizeof(int)) on LP64: a 16-byte header plus the int padded to 8 bytes.
        var control = stackalloc byte[24];
        new Span<byte>(control, 24).Clear();
        var header = (CmsgHeader*)control;
        header->Length = (nuint)(sizeof(CmsgHeader) + sizeof(int));
        header->Level = SolSocket;
        header->Type = ScmRights;
        *(int*)(control + sizeof(CmsgHeader)) = fd;

        var message = new MsgHeader
        {
            Name = &address,
            NameLength = (uint)(sizeof(ushort) + path.Length + 1),
            Control = control,
            ControlLength = 24,
        };

        var handle = socket.SafeHandle;
        var added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            if (SendMessage((int)handle.DangerousGetHandle(), &message, MsgNoSignal) < 0)
            {
                throw Failure("sendmsg");
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    private static IOException Failure(string call) =>
        new($"{call} failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");

    [StructLayout(LayoutKind.Sequential)]
    private struct SockaddrUn
    {
        public const int PathCapacity = 108;
        public ushort Family;
        public fixed byte Path[PathCapacity];
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct CmsgHeader
    {
        public nuint Length;
        public int Level;
        public int Type;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MsgHeader
    {
        public void* Name;
        public uint NameLength;
        public void* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    [LibraryImport("libc", EntryPoint = "memfd_create", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MemfdCreate(string name, uint flags);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int command, int argument);

    [LibraryImport("libc", EntryPoint = "sendmsg", SetLastError = true)]
    private static partial nint SendMessage(int socket, MsgHeader* message, int flags);
}
