using System.Diagnostics;
using System.Net.Sockets;

namespace LoadGen.Client;

/// <summary>
/// An external event loop over every client's socket, driven by paho's socket callbacks
/// (<c>on_socket_register_write</c> / <c>unregister_write</c>): one thread, <c>select</c> (<c>Socket.Select</c>).
/// </summary>
public static class SelectEventLoop
{
    /// <summary>
    /// Loops until <paramref name="stop"/>: select for reads (and for writes a client could not finish), then
    /// loop_read / loop_write, and loop_misc every second for keep-alive. With a <paramref name="tick"/> it sleeps
    /// first and then polls, so acknowledgements pile up and each system call moves many. <paramref name="idle"/>
    /// runs once a pass, on this thread.
    /// </summary>
    // An array, not a list interface: foreach over an interface allocates an enumerator on every pass.
    public static void Run(MqttClient[] clients, CancellationToken stop, Action? idle, TimeSpan tick)
    {
        var bySocket = new Dictionary<Socket, MqttClient>();
        var blocked = new HashSet<Socket>();
        foreach (MqttClient client in clients)
        {
            bySocket[client.Socket!] = client;
            client.OnSocketRegisterWrite = (_, _, socket) => blocked.Add(socket);
            client.OnSocketUnregisterWrite = (_, _, socket) => blocked.Remove(socket);
        }

        var readable = new List<Socket>(clients.Length);
        var writable = new List<Socket>();
        long misc = Stopwatch.GetTimestamp();
        while (!stop.IsCancellationRequested)
        {
            idle?.Invoke();
            foreach (MqttClient client in clients)
            {
                if (client.WantWrite)
                {
                    client.LoopWrite();
                }
            }

            readable.Clear();
            readable.AddRange(bySocket.Keys);
            writable.Clear();
            writable.AddRange(blocked);
            if (tick > TimeSpan.Zero)
            {
                Thread.Sleep(tick);
            }

            try
            {
                Socket.Select(readable, writable.Count > 0 ? writable : null, null, tick > TimeSpan.Zero ? 0 : 10_000);
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            foreach (Socket socket in readable)
            {
                bySocket[socket].LoopRead();
            }

            foreach (Socket socket in writable)
            {
                bySocket[socket].LoopWrite();
            }

            if (Stopwatch.GetElapsedTime(misc) > TimeSpan.FromSeconds(1))
            {
                misc = Stopwatch.GetTimestamp();
                foreach (MqttClient client in clients)
                {
                    client.LoopMisc();
                }
            }
        }
    }
}
