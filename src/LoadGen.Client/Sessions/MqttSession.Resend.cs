using System.Buffers;
using LoadGen.Protocol;

namespace LoadGen.Client;

public sealed partial class MqttSession
{
    // Resends: a PUBLISH still waiting for PUBACK or PUBREC goes again with DUP=1; a PUBREL still waiting for PUBCOMP
    // goes again as it was. The specification's moment is a reconnect with the session present (§4.4); a retry
    // interval is paho's extra, refused under 5.0 unless the options opt in.

    private void ResendAll(IBufferWriter<byte> output, long now, ResendCause cause)
    {
        if (_inflight.Count == 0)
        {
            return;
        }

        Span<int> slots = _inflight.Capacity <= 1024 ? stackalloc int[_inflight.Capacity] : new int[_inflight.Capacity];
        int count = _inflight.CopyInFlightOrder(slots);
        for (int i = 0; i < count; i++)
        {
            Resend(slots[i], output, now, cause);
        }
    }

    private void Resend(int slot, IBufferWriter<byte> output, long now, ResendCause cause)
    {
        ref OutboundMessage m = ref _inflight[slot];
        m.Resends++;
        m.LastSentTicks = now;
        if (m.State == OutboundState.AwaitingPubComp)
        {
            Resends.Add(ResendCounters.Kind.PubRel, cause);
            Sent(MqttEncoder.WriteAck(output, MqttPacketType.PubRel, m.PacketId), now);
            return;
        }

        Resends.Add(m.QoS == MqttQualityOfService.AtLeastOnce ? ResendCounters.Kind.PublishQoS1 : ResendCounters.Kind.PublishQoS2, cause);
        // A resend carries the whole topic, never an alias: the connection that mapped it may be gone.
        Sent(MqttEncoder.WritePublish(output, m.Topic.Span, m.Payload.Span, m.QoS, m.PacketId, _options.ProtocolVersion,
            m.Retain, dup: true, new MqttProperties(new ReadOnlySequence<byte>(m.Properties))), now);
    }

    /// <summary>
    /// Time-driven work: a PINGREQ when nothing was sent for the keep-alive period (§3.1.2.10), and, with an interval
    /// resend policy, resends of whatever has waited longer than the interval.
    /// </summary>
    /// <returns>Bytes written.</returns>
    public int Poll(IBufferWriter<byte> output, long now)
    {
        if (State != MqttSessionState.Connected)
        {
            return 0;
        }

        long before = BytesSent;
        if (_options.Resend.RetryInterval is TimeSpan interval && _inflight.Count > 0)
        {
            long due = now - (long)(interval.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
            Span<int> slots = _inflight.Capacity <= 1024 ? stackalloc int[_inflight.Capacity] : new int[_inflight.Capacity];
            int count = _inflight.CopyInFlightOrder(slots);
            for (int i = 0; i < count; i++)
            {
                if (_inflight[slots[i]].LastSentTicks <= due)
                {
                    Resend(slots[i], output, now, ResendCause.Interval);
                }
            }
        }

        if (_options.AckTimeout is TimeSpan timeout && _inflight.Count > 0)
        {
            ExpireOverdue(output, now, (long)(timeout.TotalSeconds * System.Diagnostics.Stopwatch.Frequency));
        }

        if (_keepAliveTicks > 0 && _pingSentTicks == 0 && now - _lastSentTicks >= _keepAliveTicks)
        {
            _pingSentTicks = now;
            Sent(MqttEncoder.WritePingReq(output), now);
        }

        return (int)(BytesSent - before);
    }

    /// <summary>Acknowledgement timeouts by the leg that was waiting, across connections.</summary>
    public AckTimeoutCounters AckTimeouts { get; } = new();

    /// <summary>
    /// True once after a leg timed out under <see cref="AckTimeoutAction.Close"/>: the caller closes the connection.
    /// </summary>
    public bool TakeAckTimeoutClose()
    {
        bool close = _ackTimeoutClose;
        _ackTimeoutClose = false;
        return close;
    }

    private bool _ackTimeoutClose;

    // A broker that goes quiet must not hold a window full forever: each leg older than the timeout is counted by leg,
    // then abandoned, resent or the connection closed, as the options say.
    private void ExpireOverdue(IBufferWriter<byte> output, long now, long timeoutTicks)
    {
        // Ticked for every session: a window too large for the stack borrows its slot list rather than allocating one.
        int[]? rented = _inflight.Capacity <= 1024 ? null : System.Buffers.ArrayPool<int>.Shared.Rent(_inflight.Capacity);
        try
        {
            ExpireOverdue(output, now, timeoutTicks, rented is null ? stackalloc int[_inflight.Capacity] : rented.AsSpan(0, _inflight.Capacity));
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<int>.Shared.Return(rented);
            }
        }
    }

    private void ExpireOverdue(IBufferWriter<byte> output, long now, long timeoutTicks, Span<int> slots)
    {
        int count = _inflight.CopyInFlightOrder(slots);
        for (int i = 0; i < count; i++)
        {
            ref OutboundMessage m = ref _inflight[slots[i]];
            if (now - m.LastSentTicks < timeoutTicks)
            {
                continue;
            }

            AckTimeouts.Add(m.State);
            switch (_options.AckTimeoutAction)
            {
                case AckTimeoutAction.Resend:
                    Resend(slots[i], output, now, ResendCause.Interval);
                    break;
                case AckTimeoutAction.Close:
                    // Counted once: the clock restarts, and the close resends it on a reconnect with the session present.
                    m.LastSentTicks = now;
                    _ackTimeoutClose = true;
                    break;
                default:
                    Complete(slots[i], MqttReasonCode.UnspecifiedError, now, timedOut: true);
                    break;
            }
        }
    }

    /// <summary>True when a PINGREQ has waited longer than the keep-alive period for its PINGRESP.</summary>
    public bool IsKeepAliveOverdue(long now) => _pingSentTicks != 0 && now - _pingSentTicks > _keepAliveTicks;
}
