using System.Text;

namespace LoadGen.Testing;

internal sealed partial class MisbehavingBroker
{
    /// <summary>What a session does with each packet it reads; every handler returns false to close the connection.</summary>
    private sealed partial class Session
    {
        private bool OnPacket(ReadOnlySpan<byte> packet, int headerLength)
        {
            int type = packet[0] >> 4;
            int flags = packet[0] & 0x0F;
            _broker.CountPacket(type, flags, packet.Length);
            _packets++;
            if (_silent)
            {
                return true;
            }

            ReadOnlySpan<byte> body = packet[headerLength..];
            bool last = _packets == _script.CloseAfterPackets;
            try
            {
                if (type != 3 && flags != (type is 6 or 8 or 10 ? 2 : 0))
                {
                    return Violation(0x81, $"packet type {type} with flags {flags}"); // §2.1.3
                }

                if (type == 1)
                {
                    return OnConnect(body, last);
                }

                if (last)
                {
                    return false;
                }

                if (!_connected)
                {
                    return Violation(0x82, $"packet type {type} before CONNECT"); // §3.1
                }

                switch (type)
                {
                    case 3:
                        return OnPublish(flags, body);
                    case 4 or 7:
                        OnAck(type, new Reader(body).UInt16());
                        return true;
                    case 5:
                        OnPubrec(body);
                        return true;
                    case 6:
                        OnPubrel(new Reader(body).UInt16());
                        return true;
                    case 8:
                        return OnSubscribe(body);
                    case 10:
                        return OnUnsubscribe(body);
                    case 12:
                        if (!_script.NeverPingResp)
                        {
                            Send([0xD0, 0x00]);
                        }

                        return true;
                    case 14:
                        return false; // §3.14.4: the client closes; there is nothing to answer
                    default:
                        return Violation(0x82, $"packet type {type} from a client");
                }
            }
            catch (InvalidDataException ex)
            {
                return Violation(0x81, ex.Message);
            }
        }

        private bool OnConnect(ReadOnlySpan<byte> body, bool last)
        {
            if (_connectSeen)
            {
                return Violation(0x82, "a second CONNECT"); // §3.1
            }

            _connectSeen = true;
            var reader = new Reader(body);
            reader.Binary(); // "MQTT", or "MQIsdp" from a 3.1 client
            int level = reader.Byte();
            reader.Take(3); // connect flags, keep alive
            long maximumPacketSize = -1;
            if (level == 5)
            {
                var properties = new Reader(reader.Take(reader.VarInt()));
                while (properties.Left > 0)
                {
                    int id = properties.Byte();
                    if (id == 0x27)
                    {
                        maximumPacketSize = properties.UInt32();
                    }
                    else if (id == 0x21)
                    {
                        _receiveMaximum = Math.Max((int)properties.UInt16(), 1);
                    }
                    else
                    {
                        SkipProperty(ref properties, id);
                    }
                }
            }

            bool emptyClientId = reader.Binary().IsEmpty;
            _level = level;
            _maximumPacketSize = maximumPacketSize > 0 ? maximumPacketSize : uint.MaxValue;
            Volatile.Write(ref _broker._lastLevel, level);
            Interlocked.Exchange(ref _broker._lastMaximumPacketSize, maximumPacketSize);

            if (last || _script.CloseBeforeConnack)
            {
                return false;
            }

            if (_script.NeverConnack)
            {
                _silent = true;
                return true;
            }

            if (level is not (3 or 4 or 5))
            {
                Send([0x20, 0x02, 0x00, 0x01]); // 3.1.1 §3.2.2.3: unacceptable protocol version
                return false;
            }

            if (_script.ConnackCode is int refusal)
            {
                Send(Connack((byte)refusal, emptyClientId));
                return false;
            }

            Send(Connack(0, emptyClientId));
            _connected = true;
            for (int i = 0; i < _script.UnsolicitedAcks; i++)
            {
                Send(Ack(i % 2 == 0 ? (byte)0x40 : (byte)0x70, (ushort)(60000 + (i % 5536)), 0));
            }

            if (!_script.GarbageAfterFirstPublish)
            {
                SendGarbage();
            }

            return true;
        }

        // Session Present is always 0 (MQTT 5.0 §3.2.2.1.1): nothing is kept between connections.
        private byte[] Connack(byte code, bool emptyClientId)
        {
            if (!V5 || _script.ConnackAs311)
            {
                return [0x20, 0x02, 0x00, code];
            }

            var properties = new List<byte>();
            BrokerScript s = _script;
            if (code == 0)
            {
                AddProperty(properties, 0x27, s.MaximumPacketSize, 4);
                AddProperty(properties, 0x21, s.ReceiveMaximum, 2);
                AddProperty(properties, 0x22, s.TopicAliasMaximum, 2);
                AddProperty(properties, 0x24, s.MaximumQos, 1);
                AddProperty(properties, 0x25, s.RetainAvailable is bool retain ? (retain ? 1u : 0u) : null, 1);
                AddProperty(properties, 0x13, s.ServerKeepAlive, 2);

                // MQTT 5.0 §3.2.2.3.7: a client that sent an empty id must be told the one it got.
                if (emptyClientId || s.AlwaysAssignClientId)
                {
                    byte[] assigned = Encoding.UTF8.GetBytes(s.AssignedClientIdentifier ?? $"misbehaving-{_number}");
                    AddProperty(properties, 0x12, (uint)assigned.Length, 2);
                    properties.AddRange(assigned);
                }
            }

            return Frame(0x20, [0x00, code, .. VarInt(properties.Count), .. properties]);
        }

        private bool OnPublish(int flags, ReadOnlySpan<byte> body)
        {
            int qos = (flags >> 1) & 3;
            bool retain = (flags & 1) != 0;
            if (qos == 3 || (qos == 0 && (flags & 8) != 0))
            {
                return Violation(0x81, $"PUBLISH with flags {flags}"); // §3.3.1: QoS 3, or DUP on QoS 0
            }

            var reader = new Reader(body);
            string topic = reader.Utf8();
            ushort id = qos > 0 ? reader.UInt16() : (ushort)0;
            if (qos > 0 && id == 0)
            {
                return Violation(0x82, "PUBLISH with packet id 0"); // §2.2.1
            }

            if (topic.AsSpan().IndexOfAny('+', '#') >= 0)
            {
                return Violation(0x90, $"wildcards in the topic name {topic}"); // §3.3.2.1
            }

            int alias = -1;
            byte[] properties = V5 ? WithoutAlias(reader.Take(reader.VarInt()), out alias) : [];
            ReadOnlySpan<byte> payload = reader.Take(reader.Left);
            bool enforce = _script.EnforceLimits;

            // MQTT 5.0 §3.2.2.3.4, §3.2.2.3.5, §3.3.2.3.4: the limits this broker advertised in CONNACK.
            if (enforce && qos > _script.MaximumQos)
            {
                return Violation(0x9B, $"QoS {qos} over the Maximum QoS of {_script.MaximumQos}");
            }

            if (enforce && retain && _script.RetainAvailable == false)
            {
                return Violation(0x9A, "a retained PUBLISH where retain is not available");
            }

            if (alias >= 0)
            {
                if (enforce && _script.TopicAliasMaximum is ushort most && (alias == 0 || alias > most))
                {
                    return Violation(0x94, $"topic alias {alias} over the Topic Alias Maximum of {most}");
                }

                if (topic.Length > 0)
                {
                    _aliases[alias] = topic;
                }
                else if (_aliases.TryGetValue(alias, out string? known))
                {
                    topic = known;
                }
                else
                {
                    return Violation(0x82, $"topic alias {alias} used before it was set");
                }
            }
            else if (topic.Length == 0)
            {
                return Violation(0x82, "PUBLISH with an empty topic and no alias");
            }

            if (++_publishes == _script.DisconnectAfterPublishes)
            {
                return Disconnect(_script.DisconnectReason);
            }

            int reason = V5 && _script.PublishReasonCode is int code && (_script.PublishReasonQos ?? qos) == qos ? code : 0;
            bool duplicate = false;
            if (qos > 0)
            {
                int inFlight;
                lock (_state)
                {
                    // A QoS 2 id still held is a resend: answer it again but deliver it once (MQTT 5.0 §4.3.3).
                    duplicate = !_inbound.TryAdd(id, qos) && qos == 2;
                    inFlight = _inbound.Count;
                }

                if (enforce && inFlight > _script.ReceiveMaximum)
                {
                    return Violation(0x93, $"{inFlight} publishes in flight over the Receive Maximum of {_script.ReceiveMaximum}"); // §3.3.4
                }

                if (!_script.NeverAck)
                {
                    byte[] ack = Ack(qos == 1 ? (byte)0x40 : (byte)0x50, id, reason);
                    _broker.ScheduleAck(new PendingAck(this, ack, id, Frees: qos == 1 || reason >= 0x80), paced: true);
                }
            }

            if (_script.RouteMessages && !duplicate && reason < 0x80 && _broker._subscribed.Length > 0)
            {
                _broker.Route(this, topic, new Message(Encoding.UTF8.GetBytes(topic), properties, payload.ToArray(), retain), qos);
            }

            if (_script.GarbageAfterFirstPublish)
            {
                SendGarbage();
            }

            return true;
        }

        // Forwarded publishes carry the publisher's properties, less the alias, which belongs to its connection only.
        private static byte[] WithoutAlias(ReadOnlySpan<byte> properties, out int alias)
        {
            alias = -1;
            var reader = new Reader(properties);
            var kept = new List<byte>(properties.Length);
            while (reader.Left > 0)
            {
                int start = properties.Length - reader.Left;
                int id = reader.Byte();
                if (id == 0x23)
                {
                    alias = reader.UInt16();
                    continue;
                }

                SkipProperty(ref reader, id);
                kept.AddRange(properties[start..(properties.Length - reader.Left)]);
            }

            return [.. kept];
        }

        // PUBACK or PUBCOMP for a PUBLISH this broker forwarded: its slot in the client's window is free again.
        private void OnAck(int type, ushort id)
        {
            lock (_state)
            {
                if (_outbound.TryGetValue(id, out int expected) && expected == type)
                {
                    _outbound.Remove(id);
                    FillWindow();
                }
            }
        }

        private void OnPubrec(ReadOnlySpan<byte> body)
        {
            var reader = new Reader(body);
            ushort id = reader.UInt16();
            int reason = reader.Left > 0 ? reader.Byte() : 0;
            lock (_state)
            {
                if (!_outbound.TryGetValue(id, out int expected) || expected != 5)
                {
                    Send(Ack(0x62, id, V5 ? 0x92 : 0)); // 0x92: packet identifier not found
                }
                else if (reason >= 0x80)
                {
                    _outbound.Remove(id); // MQTT 5.0 §4.3.3: a failed PUBREC ends the exchange
                    FillWindow();
                }
                else
                {
                    _outbound[id] = 7;
                    Send(Ack(0x62, id, 0));
                }
            }
        }

        private void OnPubrel(ushort id)
        {
            if (_script.NeverAck)
            {
                return;
            }

            bool known;
            lock (_state)
            {
                known = _inbound.TryGetValue(id, out int qos) && qos == 2;
            }

            byte[] pubcomp = Ack(0x70, id, known || !V5 ? 0 : 0x92);
            _broker.ScheduleAck(new PendingAck(this, pubcomp, id, Frees: known), paced: false);
        }

        private bool OnSubscribe(ReadOnlySpan<byte> body)
        {
            var reader = new Reader(body);
            ushort id = reader.UInt16();
            if (V5)
            {
                reader.Take(reader.VarInt()); // a subscription identifier is not echoed in deliveries
            }

            var codes = new List<byte>();
            lock (_state)
            {
                var subscriptions = _subscriptions.ToList();
                while (reader.Left > 0)
                {
                    string filter = reader.Utf8();
                    int options = reader.Byte();
                    int asked = options & 3;
                    if (asked == 3 || (options & (V5 ? 0xC0 : 0xFC)) != 0 || ((options >> 4) & 3) == 3)
                    {
                        throw new InvalidDataException($"subscription options 0x{options:X2}"); // §3.8.3.1
                    }

                    byte code = Grant(filter, asked);
                    codes.Add(code);
                    subscriptions.RemoveAll(s => s.Filter == filter); // §3.8.4: a new subscription replaces the old
                    if (code < 0x80)
                    {
                        subscriptions.Add(new Subscription(filter, code, V5 && (options & 4) != 0, V5 && (options & 8) != 0));
                    }
                }

                _subscriptions = [.. subscriptions];
            }

            if (codes.Count == 0)
            {
                return Violation(0x82, "SUBSCRIBE without a topic filter"); // §3.8.3
            }

            _broker.Subscribed(this, _subscriptions.Length > 0);
            Send(Frame(0x90, [(byte)(id >> 8), (byte)id, .. V5 ? [(byte)0] : Array.Empty<byte>(), .. codes]));
            return true;
        }

        private byte Grant(string filter, int asked)
        {
            if (!ValidFilter(filter))
            {
                return V5 ? (byte)0x8F : (byte)0x80;
            }

            if (filter.StartsWith("$share/", StringComparison.Ordinal))
            {
                return V5 ? (byte)0x9E : (byte)0x80;
            }

            if (_script.SubackFailure)
            {
                return 0x80;
            }

            return (byte)Math.Min(asked, Math.Min(_script.GrantedQos ?? 2, _script.MaximumQos ?? 2));
        }

        private bool OnUnsubscribe(ReadOnlySpan<byte> body)
        {
            var reader = new Reader(body);
            ushort id = reader.UInt16();
            if (V5)
            {
                reader.Take(reader.VarInt());
            }

            var codes = new List<byte>();
            lock (_state)
            {
                var subscriptions = _subscriptions.ToList();
                while (reader.Left > 0)
                {
                    string filter = reader.Utf8();
                    codes.Add(subscriptions.RemoveAll(s => s.Filter == filter) > 0 ? (byte)0x00 : (byte)0x11); // 0x11: there was none
                }

                _subscriptions = [.. subscriptions];
            }

            if (codes.Count == 0)
            {
                return Violation(0x82, "UNSUBSCRIBE without a topic filter"); // §3.10.3
            }

            _broker.Subscribed(this, _subscriptions.Length > 0);
            Send(V5 ? Frame(0xB0, [(byte)(id >> 8), (byte)id, 0x00, .. codes]) : Ack(0xB0, id, 0));
            return true;
        }

        private void SendGarbage()
        {
            if (_garbageSent || _script.Garbage == GarbageKind.None)
            {
                return;
            }

            _garbageSent = true;
            switch (_script.Garbage)
            {
                case GarbageKind.ReservedType:
                    Send([0x00, 0x00]);
                    break;
                case GarbageKind.BadFlags:
                    Send([0x42, 0x02, 0x00, 0x01]);
                    break;
                case GarbageKind.OversizedRemainingLength:
                    Send([0x30, 0xFF, 0xFF, 0xFF, 0x7F], OutgoingKind.Last);
                    break;
                case GarbageKind.EndlessPayload:
                    Send([0x30, 0xFF, 0xFF, 0xFF, 0x7F], OutgoingKind.Endless);
                    break;
                case GarbageKind.MalformedRemainingLength:
                    Send([0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], OutgoingKind.Last);
                    break;
            }
        }

        private bool Violation(byte reason, string what)
        {
            _broker.RecordViolation(what);
            return Disconnect(reason);
        }

        // A 5.0 server may DISCONNECT only after its CONNACK (MQTT 5.0 §3.14); a 3.1.1 one can only close.
        private bool Disconnect(byte reason)
        {
            if (V5 && _connected)
            {
                Send([0xE0, 0x02, reason, 0x00]);
            }

            return false;
        }
    }
}
