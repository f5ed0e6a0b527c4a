using System.Text.Json;

namespace LoadGen.Engine;

/// <summary>
/// The counters of <c>result.json</c>, by name. The names in JSON, summaries and merges come from here alone
/// (snake_case of the member), so code reads a counter by member, never by a spelled-out string.
/// </summary>
public enum RunCounter
{
    /// <summary>Sessions that got an accepted CONNACK.</summary>
    SessionsConnected,
    /// <summary>Sessions that never connected: refused, timed out, closed before CONNACK, or the TCP connect failed.</summary>
    ConnectFailures,
    /// <summary>Publisher sessions whose stages send messages (a <c>conn</c> run's holders send none).</summary>
    Publishers,
    /// <summary>Subscriber sessions.</summary>
    Subscribers,
    /// <summary>Messages published.</summary>
    Sent,
    /// <summary>Messages whose handshake completed successfully (QoS 0: written).</summary>
    Acknowledged,
    /// <summary>Deliveries to subscribers.</summary>
    Received,
    /// <summary>Deliveries of a sequence number a subscriber already had.</summary>
    Duplicates,
    /// <summary>Deliveries that filled an earlier gap.</summary>
    OutOfOrder,
    /// <summary>Deliveries at a lower QoS than the message was published at (a subscription granted less, or a downgrading broker).</summary>
    DeliveredBelowQos,
    /// <summary>Messages some subscriber that heard from the publisher never got.</summary>
    Lost,
    /// <summary>Messages published at QoS 0.</summary>
    SentQos0,
    /// <summary>Messages published at QoS 1.</summary>
    SentQos1,
    /// <summary>Messages published at QoS 2.</summary>
    SentQos2,
    /// <summary>QoS 0 messages written.</summary>
    AcknowledgedQos0,
    /// <summary>QoS 1 messages answered by a successful PUBACK.</summary>
    AcknowledgedQos1,
    /// <summary>QoS 2 messages whose flow ended with PUBCOMP.</summary>
    AcknowledgedQos2,
    /// <summary>QoS 1/2 messages the broker refused (reason code 0x80 or above).</summary>
    Refused,
    /// <summary>QoS 1/2 messages in flight when the broker kept no session across a reconnect (session present 0).</summary>
    DroppedWithSession,
    /// <summary>QoS 1/2 messages given up after their acknowledgement timed out.</summary>
    TimedOut,
    /// <summary>QoS 1/2 messages still unacknowledged when the run ended (after its drain).</summary>
    InflightAtEnd,
    /// <summary>QoS 1 PUBLISH legs whose PUBACK did not come within the group's <c>ack_timeout</c>.</summary>
    AckTimeoutsPuback,
    /// <summary>QoS 2 PUBLISH legs whose PUBREC did not come within <c>ack_timeout</c>.</summary>
    AckTimeoutsPubrec,
    /// <summary>QoS 2 PUBREL legs whose PUBCOMP did not come within <c>ack_timeout</c>.</summary>
    AckTimeoutsPubcomp,
    /// <summary>Open-model messages the schedule made due while the run lasted.</summary>
    Due,
    /// <summary>Open-model messages the generator itself sent more than 100 ms late (not waiting for a full window).</summary>
    Late,
    /// <summary>Due messages never sent because the generator fell behind its schedule.</summary>
    UnsentByGenerator,
    /// <summary>Due messages never sent because every window was full (the broker acknowledged too slowly).</summary>
    UnsentWindowsFull,
    /// <summary>Acknowledgements (PUBACK, PUBREC, PUBCOMP) for a packet identifier with nothing in flight.</summary>
    UnexpectedAcks,
    /// <summary>Messages not sent because the broker's CONNACK forbids them: larger than its Maximum Packet Size, above its Maximum QoS, or retained where it keeps none.</summary>
    NotSent,
    /// <summary>Messages published with RETAIN set.</summary>
    RetainedSent,
    /// <summary>Deliveries with RETAIN set: a retained message handed over at subscription, not a live one (not audited).</summary>
    RetainedReceived,
    /// <summary>Empty retained messages the run sent at its end to clear what it retained (<c>clear_retained</c>).</summary>
    RetainedCleared,
    /// <summary>Sessions the profile ended abnormally (<c>abort</c>): closed without DISCONNECT, so the broker sends their wills.</summary>
    Aborted,
    /// <summary>QoS 1/2 messages in flight on sessions the run aborted: the generator's doing, not the broker's.</summary>
    AbortedInFlight,
    /// <summary>Will deliveries the run expects at QoS 1 or 2: per subscriber, the aborted sessions whose will topic it subscribed to.</summary>
    WillsExpected,
    /// <summary>Deliveries of an aborted session's will.</summary>
    WillsReceived,
    /// <summary>Of <see cref="WillsExpected"/>, the wills that never arrived.</summary>
    WillsMissing,
    /// <summary>Subscribers the profile took offline (<c>offline</c>), to come back with their sessions.</summary>
    WentOffline,
    /// <summary>Messages published before a subscriber came back and delivered after: what the broker queued for it.</summary>
    QueuedReceived,
    /// <summary>Resends, all causes.</summary>
    Resends,
    /// <summary>Sessions that connected again after losing their connection.</summary>
    Reconnects,
    /// <summary>All errors.</summary>
    Errors,
    /// <summary>Scheduled sends that had to wait because every session's window was full.</summary>
    Backlogged,
    /// <summary>Messages the embedded broker dropped from a full queue.</summary>
    BrokerDropped,
    /// <summary>Bytes written by all sessions, MQTT framing included.</summary>
    BytesSent,
    /// <summary>Bytes read by all sessions.</summary>
    BytesReceived,
    /// <summary>Bytes of the PUBLISH packets publishers wrote, first sends only: divided by the messages sent, a message's size on the wire.</summary>
    PublishBytes,
    /// <summary>PUBLISH packets sent with a topic alias in place of the topic name (MQTT 5.0).</summary>
    AliasedPublishes,
    /// <summary>Messages sent without a stamp (a payload under 16 bytes, or a 3.1.1 template or file): outside the audit and end-to-end latency.</summary>
    Unstamped,
    /// <summary>Requests requesters published (<c>role: requester</c>).</summary>
    RpcRequests,
    /// <summary>Responses that came back to their requester in time, each timed as the <c>rpc</c> metric.</summary>
    RpcResponses,
    /// <summary>Requests with no response within <c>rpc_timeout</c> (each also an error).</summary>
    RpcTimeouts,
    /// <summary>Requests unanswered where the protocol allowed the loss (QoS 0 on the way, or the requester was disconnected or not yet subscribed again): not errors.</summary>
    RpcTimeoutsExcused,
    /// <summary>Responses no request was waiting for: a second response to one request, or one after its timeout.</summary>
    RpcUnmatched,
    /// <summary>Replies responders published.</summary>
    RpcReplies,
    /// <summary>Times a reply found its responder's in-flight window full and waited for a slot (not an error: the window is the generator's).</summary>
    RpcRepliesWaited,
    /// <summary>Requests a responder could not answer: no Response Topic and no reply_topic, or a full in-flight window (each also an error).</summary>
    RpcUnanswerable,
}

/// <summary>Reading and naming <see cref="RunCounter"/>s.</summary>
public static class RunCounterNames
{
    private static readonly string[] Names = Enum.GetValues<RunCounter>().Select(c => JsonNamingPolicy.SnakeCaseLower.ConvertName(c.ToString())).ToArray();

    /// <summary>The counter's name in <c>result.json</c>, for example <c>sent_qos1</c>.</summary>
    public static string Name(this RunCounter counter) => Names[(int)counter];

    /// <summary>The counter sent at a QoS level.</summary>
    public static RunCounter SentAt(int qos) => RunCounter.SentQos0 + qos;

    /// <summary>The counter acknowledged at a QoS level.</summary>
    public static RunCounter AcknowledgedAt(int qos) => RunCounter.AcknowledgedQos0 + qos;

    /// <summary>A counter's value in a result's table; 0 when absent (a result written before the counter existed).</summary>
    public static long Get(this IReadOnlyDictionary<string, long> counters, RunCounter counter) => counters.GetValueOrDefault(counter.Name());
}
