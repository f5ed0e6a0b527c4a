using System.Text;
using LoadGen.Protocol;

namespace LoadGen.Client.Tests.Paho;

/// <summary>
/// Against real brokers, through a recording proxy: the exact packets each QoS puts on the wire, in both directions,
/// for a publisher and for a subscriber.
/// </summary>
public class WireSequenceTests
{
    public static TheoryData<string, int, MqttProtocolVersion> Cases()
    {
        var data = new TheoryData<string, int, MqttProtocolVersion>();
        foreach (string broker in new[] { "embedded", "mosquitto" })
        {
            foreach (MqttProtocolVersion version in new[] { MqttProtocolVersion.V311, MqttProtocolVersion.V500 })
            {
                for (int qos = 0; qos <= 2; qos++)
                {
                    data.Add(broker, qos, version);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task EachQoSPutsExactlyItsHandshakeOnTheWire(string brokerName, int qos, MqttProtocolVersion version)
    {
        await using IBroker broker = await Broker.StartAsync(brokerName);
        await using var publisherProxy = new RecordingProxy(broker.Port);
        await using var subscriberProxy = new RecordingProxy(broker.Port);
        using var subscriber = new MqttClient($"sub-{qos}", protocol: version);
        using var publisher = new MqttClient($"pub-{qos}", protocol: version);
        var received = new List<string>();
        subscriber.OnMessage = (_, _, m) => received.Add($"{m.Topic}={Encoding.UTF8.GetString(m.Payload)} q{m.QoS}");
        int subscribed = 0;
        subscriber.OnSubscribe = (_, _, _, _) => subscribed++;
        int published = 0;
        publisher.OnPublish = (_, _, _) => published++;

        Assert.Equal(MqttErrorCode.Success, subscriber.Connect("127.0.0.1", subscriberProxy.Port));
        Pump.Until(() => subscriber.IsConnected, subscriber);
        subscriber.Subscribe("wire/seq", 2);
        Pump.Until(() => subscribed == 1, subscriber);

        Assert.Equal(MqttErrorCode.Success, publisher.Connect("127.0.0.1", publisherProxy.Port));
        Pump.Until(() => publisher.IsConnected, publisher);
        Assert.Equal(MqttErrorCode.Success, publisher.Publish("wire/seq", "hello"u8.ToArray(), qos).Rc);
        Pump.Until(() => published == 1 && received.Count == 1, publisher, subscriber);
        publisher.Disconnect();
        subscriber.Disconnect();
        publisherProxy.WaitFor(l => l == "C>B DISCONNECT");
        subscriberProxy.WaitFor(l => l == "C>B DISCONNECT");

        Assert.Equal([$"wire/seq=hello q{qos}"], received);
        string[] publisherHandshake = qos switch
        {
            0 => ["C>B PUBLISH q0 d0"],
            1 => ["C>B PUBLISH q1 d0", "B>C PUBACK"],
            _ => ["C>B PUBLISH q2 d0", "B>C PUBREC", "C>B PUBREL", "B>C PUBCOMP"],
        };
        Assert.Equal(["C>B CONNECT", "B>C CONNACK", .. publisherHandshake, "C>B DISCONNECT"], publisherProxy.Log);

        string[] subscriberHandshake = qos switch
        {
            0 => ["B>C PUBLISH q0 d0"],
            1 => ["B>C PUBLISH q1 d0", "C>B PUBACK"],
            _ => ["B>C PUBLISH q2 d0", "C>B PUBREC", "B>C PUBREL", "C>B PUBCOMP"],
        };
        Assert.Equal(["C>B CONNECT", "B>C CONNACK", "C>B SUBSCRIBE", "B>C SUBACK", .. subscriberHandshake, "C>B DISCONNECT"],
            subscriberProxy.Log);
    }
}
