namespace LoadGen.Client;

/// <summary>paho's <c>loop(timeout)</c> called by the application: one thread, round-robin over every client.</summary>
public static class CallerLoop
{
    /// <summary>
    /// Loops until <paramref name="stop"/>, with a zero timeout so no client waits on another; <paramref name="idle"/>
    /// runs once a pass, on this thread.
    /// </summary>
    // An array, not a list interface: foreach over an interface allocates an enumerator on every pass.
    public static void Run(MqttClient[] clients, CancellationToken stop, Action? idle)
    {
        while (!stop.IsCancellationRequested)
        {
            idle?.Invoke();
            foreach (MqttClient client in clients)
            {
                client.Loop(TimeSpan.Zero);
            }
        }
    }
}
