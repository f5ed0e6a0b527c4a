using System.Diagnostics;

namespace LoadGen.Client.Tests;

/// <summary>
/// Drives paho's caller-owned loop until a condition holds. Bounded: it fails the test after the timeout instead of
/// hanging, and it waits on the socket (Loop's own select), never on a sleep.
/// </summary>
internal static class Pump
{
    public static void Until(Func<bool> condition, params MqttClient[] clients) => Until(condition, TimeSpan.FromSeconds(10), clients);

    public static void Until(Func<bool> condition, TimeSpan timeout, params MqttClient[] clients)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < timeout, "the condition did not hold within " + timeout);
            foreach (MqttClient client in clients)
            {
                client.Loop(TimeSpan.FromMilliseconds(5));
            }
        }
    }
}
