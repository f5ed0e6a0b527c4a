using LoadGen.Protocol;

namespace LoadGen.Engine;

/// <summary>Whether a group's sessions publish or subscribe.</summary>
public enum GroupRole
{
    /// <summary>Sessions publish messages.</summary>
    Publisher,
    /// <summary>Sessions subscribe and receive.</summary>
    Subscriber,
}

/// <summary>A group's part in request/response (<c>role: requester</c> or <c>role: responder</c>).</summary>
public enum RpcRole
{
    /// <summary>Not part of request/response.</summary>
    None,

    /// <summary>Publishes requests and times each response.</summary>
    Requester,

    /// <summary>Answers every request it receives.</summary>
    Responder,
}

/// <summary>One named group of identical sessions in a profile.</summary>
public sealed record ClientGroup
{
    /// <summary>The group's name.</summary>
    public required string Name { get; init; }

    /// <summary>Publisher or subscriber.</summary>
    public required GroupRole Role { get; init; }

    /// <summary>How many sessions.</summary>
    public required int Sessions { get; init; }

    /// <summary>New connections per second while the group starts.</summary>
    public double ConnectRate { get; init; } = 1_000;

    /// <summary>MQTT 3.1.1 or 5.0.</summary>
    public MqttProtocolVersion ProtocolVersion { get; init; } = MqttProtocolVersion.V311;

    /// <summary>Clean session (3.1.1) / clean start (5.0).</summary>
    public bool CleanStart { get; init; } = true;

    /// <summary>MQTT 5.0 session expiry.</summary>
    public TimeSpan SessionExpiry { get; init; }

    /// <summary>Keep alive.</summary>
    public TimeSpan KeepAlive { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The client identifier template.</summary>
    public TopicTemplate ClientId { get; init; } = TopicTemplate.Parse("loadgen-%i");

    /// <summary>The topic template publishers write to.</summary>
    public TopicTemplate? Topic { get; init; }

    /// <summary>The QoS of each message, drawn by weight.</summary>
    public QosMix Qos { get; init; } = QosMix.Only(MqttQualityOfService.AtMostOnce);

    /// <summary>The CONNECT user name and password, if the broker needs them.</summary>
    public Credentials? Credentials { get; init; }

    /// <summary>Under a shard: the group's first session index this process runs (client ids and topics count from it).</summary>
    public int FirstSession { get; init; }

    /// <summary>Under a shard: the group's session count in the whole profile; null when the process runs it all.</summary>
    public int? SessionsInProfile { get; init; }

    /// <summary>The payload size, fixed or a range (for a template or a file, the range its messages can take).</summary>
    public PayloadSize Payload { get; init; } = new(100, 100);

    /// <summary>A payload rendered per message (<c>payload: { template: ... }</c>); null for stamped bytes of <see cref="Payload"/>'s size.</summary>
    public MessageTemplate? PayloadTemplate { get; init; }

    /// <summary>Recorded payloads each session cycles through (<c>payload: { file: ... }</c>); null for none.</summary>
    public IReadOnlyList<byte[]>? PayloadSamples { get; init; }

    /// <summary>
    /// True when the payload is the stamp followed by filler (the default); false for a template or a file, whose stamp
    /// travels in a user property under 5.0 and not at all under 3.1.1.
    /// </summary>
    public bool PayloadCarriesStamp => PayloadTemplate is null && PayloadSamples is null;

    /// <summary>
    /// True for a 3.1.1 payload template that can be read back for the audit: it holds <c>%seq</c> and <c>%ts</c>, the
    /// topic is the session's own (<c>%i</c> or <c>%c</c>, no <c>%rand_N</c>), so a subscriber knows whose it is, and one QoS
    /// is published, so the session's sequence is the stream's. End-to-end latency then has <c>%ts</c>'s whole milliseconds.
    /// </summary>
    public bool PayloadTemplateAudited => ProtocolVersion != MqttProtocolVersion.V500 && PayloadTemplate is { HasSequence: true, HasTimestamp: true, CanBeReadBack: true }
        && Topic is { IsRandom: false } topic && (topic.Text.Contains("%i", StringComparison.Ordinal) || topic.Text.Contains("%c", StringComparison.Ordinal)) && Qos.IsSingle;

    /// <summary>True when messages carry a stamp somewhere, so the audit and end-to-end latency cover them.</summary>
    public bool Stamped => PayloadCarriesStamp || Properties.CarriesStamp || PayloadTemplateAudited;

    /// <summary>MQTT 5.0 PUBLISH properties; empty by default.</summary>
    public PublishProperties Properties { get; init; } = new();

    /// <summary>MQTT 5.0 topic aliases, up to the broker's Topic Alias Maximum.</summary>
    public bool TopicAlias { get; init; }

    /// <summary>The group's part in request/response: none, requester (a publisher) or responder (a subscriber).</summary>
    public RpcRole Rpc { get; init; }

    /// <summary>A requester's topic for responses, fixed per session (<c>reply/%c</c>): its Response Topic under 5.0, its subscription always.</summary>
    public MessageTemplate? ResponseTopic { get; init; }

    /// <summary>A responder's reply topic when a request names none (3.1.1): <c>%1</c>...<c>%9</c> are the request topic's levels.</summary>
    public ReplyTopic? ReplyTopic { get; init; }

    /// <summary>How long a responder waits before it answers.</summary>
    public TimeSpan ThinkTime { get; init; }

    /// <summary>How long a requester waits for a response before the request counts as timed out.</summary>
    public TimeSpan RpcTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Messages per second per session, where a stage does not set the rate.</summary>
    public double Rate { get; init; } = 1;

    /// <summary>The load simulation, in order.</summary>
    public IReadOnlyList<Stage> Stages { get; init; } = [];

    /// <summary>
    /// Resend unacknowledged QoS 1/2 messages (and PUBREL) after this long without reconnecting, paho's message retry;
    /// zero (the default) resends only on reconnect with the session present, as the specification has it.
    /// </summary>
    public TimeSpan ResendInterval { get; init; }

    /// <summary>QoS 1 and 2 messages a session may have in flight at once (bounded by the broker's Receive Maximum).</summary>
    public int Inflight { get; init; } = 16;

    /// <summary>
    /// How long a session waits before connecting again after losing its connection; zero (the default) means it
    /// does not, and a broker that goes away ends the run early, marked partial.
    /// </summary>
    public TimeSpan ReconnectDelay { get; init; }

    /// <summary>
    /// How long a SUBACK, or one QoS 1/2 handshake leg (PUBACK, PUBREC, PUBCOMP), may take before it counts as timed
    /// out, by leg; zero waits as long as the connection lasts.
    /// </summary>
    public TimeSpan AckTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>What follows an acknowledgement timeout: abandon the message (the default), resend it, or close the connection.</summary>
    public LoadGen.Client.AckTimeoutAction AckTimeoutAction { get; init; } = LoadGen.Client.AckTimeoutAction.Abandon;

    /// <summary>How long a session waits for CONNACK before it gives up, closes and counts a connect failure.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The largest packet a session accepts from the broker, fixed header included; sent as Maximum Packet Size in an
    /// MQTT 5.0 CONNECT. A larger packet closes that session with a counted "packet too large" error before any of
    /// its payload is buffered, so memory stays bounded whatever a broker sends.
    /// </summary>
    public int MaximumPacketSize { get; init; } = 1 << 20;

    /// <summary>
    /// The share of a publisher's messages sent with RETAIN set, from 0 (none, the default) to 1 (every one): the broker
    /// keeps the last per topic and hands it to every later subscriber.
    /// </summary>
    public double Retain { get; init; }

    /// <summary>At the end of the run, clear what the group retained: an empty retained message to every topic it retained on.</summary>
    public bool ClearRetained { get; init; }

    /// <summary>The will each session leaves with the broker, published when its connection ends without DISCONNECT; null for none.</summary>
    public WillSpec? Will { get; init; }

    /// <summary>Sessions that end abnormally (no DISCONNECT, so the broker sends their wills) and stay down; null for none.</summary>
    public SessionInterruption? Abort { get; init; }

    /// <summary>
    /// Subscribers that disconnect cleanly and come back with their persistent sessions, so the broker queues for them
    /// meanwhile; null for none.
    /// </summary>
    public SessionInterruption? Offline { get; init; }

    /// <summary>Subscriptions of a subscriber group.</summary>
    public IReadOnlyList<SubscriptionSpec> Subscriptions { get; init; } = [];

    /// <summary>
    /// The share name when every subscription of the group is a shared one (<c>$share/{name}/{filter}</c>): the group
    /// is then one consumer, whose members split the messages between them; null otherwise.
    /// </summary>
    public string? ShareName => Subscriptions.Count > 0 && Subscriptions.Select(s => s.ShareName).Distinct().ToArray() is [{ } name] ? name : null;
}

/// <summary>A subscription a subscriber group makes.</summary>
/// <param name="Filter">The topic filter template.</param>
/// <param name="QoS">The maximum QoS asked for.</param>
public sealed record SubscriptionSpec(TopicTemplate Filter, MqttQualityOfService QoS)
{
    /// <summary>The share name of a <c>$share/{name}/{filter}</c> subscription, or null for a plain one.</summary>
    public string? ShareName => Filter.Text.StartsWith("$share/", StringComparison.Ordinal) && Filter.Text.IndexOf('/', 7) is > 7 and int end
        ? Filter.Text[7..end]
        : null;
}

/// <summary>A group's will message.</summary>
/// <param name="Topic">The will topic template (%i, %c expand per session).</param>
/// <param name="Payload">The will payload template, UTF-8.</param>
/// <param name="QoS">The will QoS.</param>
/// <param name="Retain">Published retained.</param>
/// <param name="Delay">MQTT 5.0 Will Delay Interval: the broker waits this long (or until the session ends, if sooner).</param>
public sealed record WillSpec(TopicTemplate Topic, TopicTemplate Payload, MqttQualityOfService QoS, bool Retain, TimeSpan Delay);

/// <summary>Some of a group's sessions interrupted once: <c>abort: { sessions: 10%, at: 20s }</c>, <c>offline: { sessions: 50%, at: 5s, for: 10s }</c>.</summary>
/// <param name="Share">The share of the group's sessions (0 to 1), the first ones by index in the whole profile (a shard takes those it runs).</param>
/// <param name="At">When, from the start of the stages (all sessions connected).</param>
/// <param name="For">How long they stay away (offline); zero for an abort, whose sessions stay down.</param>
public sealed record SessionInterruption(double Share, TimeSpan At, TimeSpan For)
{
    /// <summary>How many of <paramref name="sessions"/> it takes: at least one when the share is above zero.</summary>
    public int Of(int sessions) => Share <= 0 || sessions <= 0 ? 0 : Math.Clamp((int)Math.Ceiling(Share * sessions), 1, sessions);
}
