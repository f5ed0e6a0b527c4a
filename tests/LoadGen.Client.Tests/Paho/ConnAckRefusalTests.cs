using LoadGen.Protocol;
using MQTTnet.Protocol;

namespace LoadGen.Client.Tests.Paho;

/// <summary>
/// CONNACK refusals from real brokers, as paho reports them to on_connect and on_disconnect. Mosquitto 2.0 with a
/// password file answers every failed login with 5 (not authorised; 0x87 under 5.0): it sends 4 only for a TLS
/// identity failure. Code 4 (bad user name or password) therefore comes from MQTTnet.Server's validation hook.
/// </summary>
public class ConnAckRefusalTests
{
    private static readonly Dictionary<string, string> Users = new() { ["alice"] = "secret" };

    private static (int Rc, int Disconnect) ConnectAs(int port, string? user, string? password,
        MqttProtocolVersion version = MqttProtocolVersion.V311)
    {
        using var client = new MqttClient(new MqttSessionOptions
        {
            ClientId = $"refusal-{user}-{(int)version}", ProtocolVersion = version, UserName = user,
            Password = password is null ? null : System.Text.Encoding.UTF8.GetBytes(password),
        });
        int rc = -1;
        int disconnect = -1;
        client.OnConnect = (_, _, _, code) => rc = code;
        client.OnDisconnect = (_, _, code) => disconnect = code;
        Assert.Equal(MqttErrorCode.Success, client.Connect("127.0.0.1", port));
        Pump.Until(() => rc == 0 || disconnect >= 0, client);
        return (rc, disconnect);
    }

    [Fact]
    public async Task MosquittoWithAPasswordFileRefusesAWrongPasswordAndAnonymousClientsWithNotAuthorised()
    {
        await using MosquittoBroker broker = await MosquittoBroker.StartAsync(Users);
        Assert.Equal((0, -1), ConnectAs(broker.Port, "alice", "secret"));
        Assert.Equal((5, (int)MqttErrorCode.ConnectionRefused), ConnectAs(broker.Port, "alice", "wrong"));
        Assert.Equal((5, (int)MqttErrorCode.ConnectionRefused), ConnectAs(broker.Port, null, null));
        Assert.Equal(((int)MqttReasonCode.NotAuthorized, (int)MqttErrorCode.ConnectionRefused),
            ConnectAs(broker.Port, "alice", "wrong", MqttProtocolVersion.V500));
        Assert.Equal("Connection Refused: not authorised.", ConnackText.ConnackString(5));
    }

    [Fact]
    public async Task ABrokerRejectingTheCredentialsRefusesWithBadUserNameOrPassword()
    {
        await using EmbeddedBroker broker = await EmbeddedBroker.StartAsync(e =>
        {
            if (e.UserName != "alice" || e.Password != "secret")
            {
                e.ReasonCode = MqttConnectReasonCode.BadUserNameOrPassword;
            }

            return Task.CompletedTask;
        });
        Assert.Equal((0, -1), ConnectAs(broker.Port, "alice", "secret"));
        Assert.Equal((4, (int)MqttErrorCode.ConnectionRefused), ConnectAs(broker.Port, "alice", "wrong"));
        Assert.Equal(((int)MqttReasonCode.BadUserNameOrPassword, (int)MqttErrorCode.ConnectionRefused),
            ConnectAs(broker.Port, "alice", "wrong", MqttProtocolVersion.V500));
        Assert.Equal("Connection Refused: bad user name or password.", ConnackText.ConnackString(4));
    }

    [Fact]
    public async Task AnAclDenialComesBackAsAVersion5NotAuthorizedPubAck()
    {
        await using MosquittoBroker broker = await MosquittoBroker.StartAsync(Users, "user alice\ntopic readwrite allowed/#\n");
        using var client = new MqttClient(new MqttSessionOptions
        {
            ClientId = "acl", ProtocolVersion = MqttProtocolVersion.V500, UserName = "alice", Password = "secret"u8.ToArray(),
        });
        var completions = new List<PublishCompletion>();
        client.OnPublishCompleted = (_, c) => completions.Add(c);
        client.Connect("127.0.0.1", broker.Port);
        Pump.Until(() => client.IsConnected, client);
        client.Publish("allowed/a", "x"u8.ToArray(), qos: 1);
        client.Publish("denied/a", "x"u8.ToArray(), qos: 1);
        Pump.Until(() => completions.Count == 2, client);
        // Nobody subscribes to allowed/a, so the accepted message reports 0x10 No matching subscribers: still a success.
        Assert.Equal([MqttReasonCode.NoMatchingSubscribers, MqttReasonCode.NotAuthorized], completions.Select(c => c.ReasonCode));
        Assert.Equal([true, false], completions.Select(c => c.Succeeded));
    }
}
