namespace LoadGen.Protocol.Tests;

/// <summary>
/// Hand-assembled packets for every control packet type under both versions, each with the canonical description
/// (see <see cref="PacketText"/>) a correct decoder must produce. Spacing in the hex follows the fields.
/// </summary>
public static class WireSamples
{
    public sealed record Sample(string Name, MqttProtocolVersion Version, string Hex, string Expected)
    {
        public override string ToString() => Name;
    }

    private const MqttProtocolVersion V3 = MqttProtocolVersion.V311;
    private const MqttProtocolVersion V5 = MqttProtocolVersion.V500;

    public static readonly Sample[] All =
    [
        // ---- MQTT 3.1.1 ----
        new("v3 CONNECT minimal", V3, "10 0E 0004 4D515454 04 02 003C 0002 6331",
            "CONNECT v=4 id=c1 clean=True ka=60"),
        new("v3 CONNECT will user password", V3, "10 1D 0004 4D515454 04 EE 000A 0002 6331 0001 77 0003 627965 0001 75 0002 0102",
            "CONNECT v=4 id=c1 clean=True ka=10 will=w:627965 wqos=1 wretain=True user=u pass=0102"),
        new("v3 CONNACK session present", V3, "20 02 01 00", "CONNACK sp=True code=0"),
        new("v3 CONNACK not authorised", V3, "20 02 00 05", "CONNACK sp=False code=5"),
        new("v3 PUBLISH QoS 0", V3, "30 07 0003 612F62 6869",
            "PUBLISH qos=0 id=0 dup=False retain=False topic=a/b payload=6869"),
        new("v3 PUBLISH QoS 1 dup retain", V3, "3B 09 0003 612F62 000A 6869",
            "PUBLISH qos=1 id=10 dup=True retain=True topic=a/b payload=6869"),
        new("v3 PUBLISH QoS 2 empty payload", V3, "34 07 0003 612F62 0001",
            "PUBLISH qos=2 id=1 dup=False retain=False topic=a/b payload="),
        new("v3 PUBACK", V3, "40 02 000A", "PUBACK id=10 rc=0"),
        new("v3 PUBREC", V3, "50 02 000A", "PUBREC id=10 rc=0"),
        new("v3 PUBREL", V3, "62 02 000A", "PUBREL id=10 rc=0"),
        new("v3 PUBCOMP", V3, "70 02 000A", "PUBCOMP id=10 rc=0"),
        new("v3 SUBSCRIBE two filters", V3, "82 0E 0001 0003 612F2B 01 0003 782F23 02",
            "SUBSCRIBE id=1 [a/+@01,x/#@02]"),
        new("v3 SUBACK", V3, "90 04 0001 01 80", "SUBACK id=1 codes=0180"),
        new("v3 UNSUBSCRIBE", V3, "A2 07 0002 0003 612F2B", "UNSUBSCRIBE id=2 [a/+]"),
        new("v3 UNSUBACK", V3, "B0 02 0002", "UNSUBACK id=2 codes="),
        new("v3 PINGREQ", V3, "C0 00", "PINGREQ"),
        new("v3 PINGRESP", V3, "D0 00", "PINGRESP"),
        new("v3 DISCONNECT", V3, "E0 00", "DISCONNECT rc=0"),

        // ---- MQTT 5.0 ----
        new("v5 CONNECT properties", V5, "10 1E 0004 4D515454 05 02 003C 0F 11 00000E10 21 0014 26 0001 6B 0001 76 0002 6331",
            "CONNECT v=5 id=c1 clean=True ka=60 props={SessionExpiryInterval=3600;ReceiveMaximum=20;UserProperty=k:v}"),
        new("v5 CONNECT will properties, password only", V5, "10 1D 0004 4D515454 05 46 0000 00 0002 6331 05 18 00000005 0001 77 0000 0001 AA",
            "CONNECT v=5 id=c1 clean=True ka=0 will=w: wqos=0 wretain=False wprops={WillDelayInterval=5} pass=AA"),
        new("v5 CONNACK properties", V5, "20 0C 00 00 09 22 000A 12 0003 616263",
            "CONNACK sp=False code=0 props={TopicAliasMaximum=10;AssignedClientIdentifier=abc}"),
        new("v5 CONNACK not authorized", V5, "20 03 00 87 00", "CONNACK sp=False code=135"),
        new("v5 PUBLISH every property", V5,
            "32 2A 0001 74 0001 23 0101 02 0000003C 03 0004 74657874 08 0001 72 09 0002 CAFE 0B 05 0B 8101 26 0001 61 0001 62 78",
            "PUBLISH qos=1 id=1 dup=False retain=False topic=t payload=78 props={PayloadFormatIndicator=1;MessageExpiryInterval=60;ContentType=text;ResponseTopic=r;CorrelationData=CAFE;SubscriptionIdentifier=5;SubscriptionIdentifier=129;UserProperty=a:b}"),
        new("v5 PUBLISH topic alias, empty topic", V5, "30 07 0000 03 23 0005 7A",
            "PUBLISH qos=0 id=0 dup=False retain=False topic= payload=7A props={TopicAlias=5}"),
        new("v5 PUBACK short form", V5, "40 02 000A", "PUBACK id=10 rc=0"),
        new("v5 PUBACK reason only", V5, "40 03 000A 10", "PUBACK id=10 rc=16"),
        new("v5 PUBREC reason string", V5, "50 0A 000A 80 06 1F 0003 626164", "PUBREC id=10 rc=128 props={ReasonString=bad}"),
        new("v5 PUBREL not found", V5, "62 03 000A 92", "PUBREL id=10 rc=146"),
        new("v5 PUBCOMP empty properties", V5, "70 04 000A 00 00", "PUBCOMP id=10 rc=0"),
        new("v5 SUBSCRIBE options and identifier", V5, "82 0B 0001 02 0B 07 0003 612F2B 2D",
            "SUBSCRIBE id=1 [a/+@2D] props={SubscriptionIdentifier=7}"),
        new("v5 SUBSCRIBE shared", V5, "82 10 0002 00 000A 2473686172652F672F61 01", "SUBSCRIBE id=2 [$share/g/a@01]"),
        new("v5 SUBACK", V5, "90 07 0001 00 01 02 80 A2", "SUBACK id=1 codes=010280A2"),
        new("v5 UNSUBSCRIBE", V5, "A2 0B 0002 00 0003 612F2B 0001 62", "UNSUBSCRIBE id=2 [a/+,b]"),
        new("v5 UNSUBACK", V5, "B0 05 0002 00 00 11", "UNSUBACK id=2 codes=0011"),
        new("v5 PINGREQ", V5, "C0 00", "PINGREQ"),
        new("v5 DISCONNECT normal", V5, "E0 00", "DISCONNECT rc=0"),
        new("v5 DISCONNECT with will", V5, "E0 01 04", "DISCONNECT rc=4"),
        new("v5 DISCONNECT session taken over", V5, "E0 07 8E 05 11 00000000",
            "DISCONNECT rc=142 props={SessionExpiryInterval=0}"),
        new("v5 AUTH success", V5, "F0 00", "AUTH rc=0"),
        new("v5 AUTH continue", V5, "F0 0F 18 0D 15 0005 534352414D 16 0002 0102",
            "AUTH rc=24 props={AuthenticationMethod=SCRAM;AuthenticationData=0102}"),
    ];

    public static TheoryData<Sample> Data()
    {
        var data = new TheoryData<Sample>();
        foreach (Sample s in All)
        {
            data.Add(s);
        }

        return data;
    }
}
