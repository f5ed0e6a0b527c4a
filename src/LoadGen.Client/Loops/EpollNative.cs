using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace LoadGen.Client;

// Linux epoll and eventfd, for the event-loop engine. struct epoll_event is packed on x86-64 (12 bytes, the data at
// offset 4) and naturally aligned elsewhere (16 bytes, the data at offset 8): both layouts are declared, and the
// event array is read as bytes at the offsets of this process's layout.
internal static class EpollNative
{
    public const int CtlAdd = 1, CtlDel = 2, CtlMod = 3;
    public const uint In = 0x001, Out = 0x004, Err = 0x008, Hup = 0x010, RdHup = 0x2000;
    private const int CloseOnExec = 0x80000, NonBlock = 0x800;

    public static bool IsSupported { get; } = OperatingSystem.IsLinux() &&
        RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

    public static int EventSize { get; } = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    private static int DataOffset => EventSize == 12 ? 4 : 8;

    public static uint EventsAt(byte[] events, int i) => BinaryPrimitives.ReadUInt32LittleEndian(events.AsSpan(i * EventSize));

    public static ulong DataAt(byte[] events, int i) => BinaryPrimitives.ReadUInt64LittleEndian(events.AsSpan(i * EventSize + DataOffset));

    public static int Create() => Check(epoll_create1(CloseOnExec), "epoll_create1");

    public static int CreateEventFd() => Check(eventfd(0, CloseOnExec | NonBlock), "eventfd");

    /// <summary>epoll_ctl; the error number (0 on success) for the caller to judge, since a closed fd is not news.</summary>
    public static int Control(int epoll, int op, int fd, uint events, ulong data)
    {
        int rc;
        if (EventSize == 12)
        {
            var e = new PackedEvent { Events = events, Data = data };
            rc = epoll_ctl_packed(epoll, op, fd, ref e);
        }
        else
        {
            var e = new AlignedEvent { Events = events, Data = data };
            rc = epoll_ctl_aligned(epoll, op, fd, ref e);
        }

        return rc == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>epoll_wait: the number of events, 0 on a timeout or an interrupted wait, -1 once the instance is closed.</summary>
    public static int Wait(int epoll, byte[] events, int timeoutMilliseconds)
    {
        int n = epoll_wait(epoll, events, events.Length / EventSize, timeoutMilliseconds);
        if (n >= 0)
        {
            return n;
        }

        int errno = Marshal.GetLastPInvokeError();
        return errno switch
        {
            4 /* EINTR */ => 0,
            9 /* EBADF */ => -1,
            _ => throw new IOException($"epoll_wait failed (errno {errno})"),
        };
    }

    public static void Signal(int eventFd)
    {
        ulong one = 1;
        _ = write(eventFd, ref one, 8);
    }

    public static void Drain(int eventFd)
    {
        ulong value = 0;
        _ = read(eventFd, ref value, 8);
    }

    public static void Close(int fd) => _ = close(fd);

    private static int Check(int rc, string call) =>
        rc >= 0 ? rc : throw new IOException($"{call} failed (errno {Marshal.GetLastPInvokeError()})");

    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    private struct PackedEvent
    {
        public uint Events;
        public ulong Data;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct AlignedEvent
    {
        public uint Events;
        public ulong Data;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int epoll_create1(int flags);

    [DllImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    private static extern int epoll_ctl_packed(int epfd, int op, int fd, ref PackedEvent ev);

    [DllImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    private static extern int epoll_ctl_aligned(int epfd, int op, int fd, ref AlignedEvent ev);

    [DllImport("libc", SetLastError = true)]
    private static extern int epoll_wait(int epfd, [Out] byte[] events, int maxevents, int timeout);

    [DllImport("libc", SetLastError = true)]
    private static extern int eventfd(uint initval, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern nint write(int fd, ref ulong value, nint count);

    [DllImport("libc", SetLastError = true)]
    private static extern nint read(int fd, ref ulong value, nint count);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);
}
