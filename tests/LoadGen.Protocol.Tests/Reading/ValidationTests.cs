using System.Buffers;

namespace LoadGen.Protocol.Tests.Reading;

/// <summary>
/// One test per rule of the specification the decoder enforces. Each bad packet is tried in every buffer layout:
/// the same violation must be reported whether the bytes arrive whole, split, or one at a time.
/// </summary>
public class ValidationTests
{
    private const MqttProtocolVersion V3 = MqttProtocolVersion.V311;
    private const MqttProtocolVersion V5 = MqttProtocolVersion.V500;

    private static void AssertViolation(string hex, MqttProtocolVersion version, MqttViolation violation,
        MqttReasonCode reason = MqttReasonCode.MalformedPacket, int maximumPacketSize = MqttFrameScanner.MaximumPacketSize)
    {
        foreach ((string layout, ReadOnlySequence<byte> sequence) in SequenceLayouts.All(Wire.Hex(hex)))
        {
            var ex = Assert.Throws<MqttProtocolException>(() =>
            {
                ReadOnlySequence<byte> buffer = sequence;
                // A sample whose length is off would only ever need more data; that must fail the test, not pass it.
                Assert.Equal(OperationStatus.Done, MqttFrameScanner.TryRead(ref buffer, out MqttFrame frame, maximumPacketSize));
                MqttDecoder.Validate(frame, version);
            });
            Assert.True(violation == ex.Violation, $"{layout}: expected {violation} but got {ex.Violation}: {ex.Message}");
            Assert.Equal(reason, ex.ReasonCode);
        }
    }

    // ---- Fixed header (§2.1) ----

    [Theory]
    [InlineData("11 00")] // CONNECT with flags 0001
    [InlineData("60 02 0001")] // PUBREL with flags 0000 instead of 0010
    [InlineData("80 06 0001 0001 61 00")] // SUBSCRIBE with flags 0000
    [InlineData("A0 05 0001 0001 61")] // UNSUBSCRIBE with flags 0000
    [InlineData("41 02 0001")] // PUBACK with flags 0001
    [InlineData("C8 00")] // PINGREQ with flags 1000
    public void ReservedFixedHeaderFlagsAreMalformed(string hex) => AssertViolation(hex, V3, MqttViolation.ReservedFlags);

    [Fact]
    public void PacketTypeZeroIsMalformed() => AssertViolation("00 00", V3, MqttViolation.ReservedPacketType);

    [Fact]
    public void AuthIsReservedUnderVersion311() => AssertViolation("F0 00", V3, MqttViolation.ReservedPacketType);

    [Fact]
    public void PublishWithQoS3IsMalformed() => AssertViolation("36 05 0001 61 0001", V3, MqttViolation.InvalidQoS);

    [Fact]
    public void PublishWithDupOnQoS0IsMalformed() => AssertViolation("38 03 0001 61", V3, MqttViolation.DupOnQoS0);

    [Fact]
    public void VariableByteIntegerLongerThanFourBytesIsMalformed() =>
        AssertViolation("30 FF FF FF FF 01", V3, MqttViolation.VariableByteIntegerTooLong);

    [Fact]
    public void VariableByteIntegerWithMoreBytesThanNeededIsMalformed() =>
        AssertViolation("C0 80 00", V3, MqttViolation.VariableByteIntegerNotMinimal);

    [Fact]
    public void RemainingLengthOver268435455CannotBeEncoded()
    {
        var ex = Assert.Throws<MqttProtocolException>(() => VariableByteInteger.Write(new byte[8], VariableByteInteger.MaxValue + 1));
        Assert.Equal(MqttViolation.RemainingLengthTooLarge, ex.Violation);
    }

    [Fact]
    public void PacketOverTheConfiguredMaximumPacketSizeIsRefusedBeforeItsBodyArrives()
    {
        // Header says 200 bytes follow; only the header has arrived, and the limit is 100.
        ReadOnlySequence<byte> buffer = Wire.Bytes("30 C8 01");
        var ex = Assert.Throws<MqttProtocolException>(() => MqttFrameScanner.TryRead(ref buffer, out _, maximumPacketSize: 100));
        Assert.Equal(MqttViolation.PacketTooLarge, ex.Violation);
        Assert.Equal(MqttReasonCode.PacketTooLarge, ex.ReasonCode);
    }

    [Fact]
    public void PacketExactlyAtTheMaximumPacketSizeIsAccepted()
    {
        ReadOnlySequence<byte> buffer = Wire.Bytes("30 07 0003 612F62 6869");
        Assert.Equal(OperationStatus.Done, MqttFrameScanner.TryRead(ref buffer, out _, maximumPacketSize: 9));
        AssertViolation("30 07 0003 612F62 6869", V3, MqttViolation.PacketTooLarge, MqttReasonCode.PacketTooLarge, maximumPacketSize: 8);
    }

    // ---- Packet identifiers (§2.2.1) ----

    [Fact]
    public void PacketIdentifierZeroOnQoS1PublishIsAProtocolError() =>
        AssertViolation("32 05 0001 61 0000", V3, MqttViolation.ZeroPacketIdentifier, MqttReasonCode.ProtocolError);

    [Fact]
    public void PacketIdentifierZeroOnQoS2PublishIsAProtocolError() =>
        AssertViolation("34 05 0001 61 0000", V3, MqttViolation.ZeroPacketIdentifier, MqttReasonCode.ProtocolError);

    [Theory]
    [InlineData("40 02 0000")]
    [InlineData("62 02 0000")]
    [InlineData("82 06 0000 0001 61 00")]
    [InlineData("90 03 0000 00")]
    public void PacketIdentifierZeroOnAcknowledgementsAndSubscribeIsAProtocolError(string hex) =>
        AssertViolation(hex, V3, MqttViolation.ZeroPacketIdentifier, MqttReasonCode.ProtocolError);

    // ---- Strings (§1.5.4) ----

    [Fact]
    public void InvalidUtf8InATopicNameIsMalformed() =>
        AssertViolation("30 05 0003 61 C3 28", V3, MqttViolation.InvalidUtf8);

    [Fact]
    public void OverlongUtf8EncodingIsMalformed() =>
        AssertViolation("30 04 0002 C0 AF", V3, MqttViolation.InvalidUtf8);

    [Fact]
    public void EncodedSurrogateInAStringIsMalformed() =>
        AssertViolation("10 0F 0004 4D515454 04 02 003C 0003 EDA080", V3, MqttViolation.InvalidUtf8);

    [Fact]
    public void NullCharacterInATopicNameIsMalformed() =>
        AssertViolation("30 05 0003 61 00 62", V3, MqttViolation.NullCharacter);

    [Fact]
    public void NullCharacterInAClientIdentifierIsMalformed() =>
        AssertViolation("10 0E 0004 4D515454 04 02 003C 0002 6100", V3, MqttViolation.NullCharacter);

    [Fact]
    public void NullCharacterInAUserPropertyIsMalformed() =>
        AssertViolation("30 0C 0001 61 07 26 0001 00 0001 62 78", V5, MqttViolation.NullCharacter);

    // ---- Topics (§3.3.2.1, §4.7) ----

    [Theory]
    [InlineData("30 05 0003 612F2B")] // a/+
    [InlineData("30 05 0003 612F23")] // a/#
    [InlineData("30 03 0001 23")] // #
    public void WildcardInAPublishTopicIsInvalid(string hex) =>
        AssertViolation(hex, V3, MqttViolation.WildcardInTopicName, MqttReasonCode.TopicNameInvalid);

    [Fact]
    public void EmptyTopicNameWithoutATopicAliasIsAProtocolError() =>
        AssertViolation("30 04 0000 00 7A", V5, MqttViolation.EmptyTopicName, MqttReasonCode.ProtocolError);

    [Fact]
    public void EmptyTopicNameIsAProtocolErrorUnderVersion311() =>
        AssertViolation("30 03 0000 7A", V3, MqttViolation.EmptyTopicName, MqttReasonCode.ProtocolError);

    [Theory]
    [InlineData("30 0B 0001 61 06 08 0003 612F2B 78")] // response topic "a/+"
    [InlineData("30 0B 0001 61 06 08 0003 612F23 78")] // response topic "a/#"
    public void WildcardInAResponseTopicIsInvalid(string hex) =>
        AssertViolation(hex, V5, MqttViolation.WildcardInTopicName, MqttReasonCode.TopicNameInvalid);

    [Fact]
    public void EmptyResponseTopicIsAProtocolError() =>
        AssertViolation("30 08 0001 61 03 08 0000 78", V5, MqttViolation.EmptyTopicName, MqttReasonCode.ProtocolError);

    [Theory]
    [InlineData("82 07 0001 0002 612B 00")] // a+
    [InlineData("82 08 0001 0003 232F61 00")] // #/a
    [InlineData("82 07 0001 0002 6123 00")] // a#
    [InlineData("82 05 0001 0000 00")] // empty filter
    public void MisplacedWildcardsInATopicFilterAreInvalid(string hex) =>
        AssertViolation(hex, V3, MqttViolation.InvalidTopicFilter, MqttReasonCode.TopicFilterInvalid);

    // ---- SUBSCRIBE and UNSUBSCRIBE (§3.8, §3.10) ----

    [Fact]
    public void SubscribeWithNoSubscriptionsIsAProtocolError() =>
        AssertViolation("82 02 0001", V3, MqttViolation.EmptySubscribe, MqttReasonCode.ProtocolError);

    [Fact]
    public void UnsubscribeWithNoTopicFiltersIsAProtocolError() =>
        AssertViolation("A2 03 0001 00", V5, MqttViolation.EmptyUnsubscribe, MqttReasonCode.ProtocolError);

    [Fact]
    public void SubscriptionAskingForQoS3IsMalformedUnderVersion311() =>
        AssertViolation("82 06 0001 0001 61 03", V3, MqttViolation.InvalidQoS);

    [Fact]
    public void SubscriptionAskingForQoS3IsAProtocolErrorUnderVersion5() =>
        AssertViolation("82 07 0001 00 0001 61 03", V5, MqttViolation.InvalidQoS, MqttReasonCode.ProtocolError);

    [Fact]
    public void ReservedSubscriptionOptionBitsAreMalformedUnderVersion311() =>
        AssertViolation("82 06 0001 0001 61 04", V3, MqttViolation.ReservedSubscriptionOptions);

    [Fact]
    public void ReservedSubscriptionOptionBitsAreMalformedUnderVersion5() =>
        AssertViolation("82 07 0001 00 0001 61 41", V5, MqttViolation.ReservedSubscriptionOptions);

    [Fact]
    public void RetainHandling3IsAProtocolError() =>
        AssertViolation("82 07 0001 00 0001 61 30", V5, MqttViolation.InvalidRetainHandling, MqttReasonCode.ProtocolError);

    [Fact]
    public void NoLocalOnASharedSubscriptionIsAProtocolError() =>
        AssertViolation("82 10 0002 00 000A 2473686172652F672F61 05", V5, MqttViolation.NoLocalOnSharedSubscription,
            MqttReasonCode.ProtocolError);

    [Fact]
    public void SubAckWithoutReasonCodesIsAProtocolError() =>
        AssertViolation("90 02 0001", V3, MqttViolation.EmptyAcknowledgement, MqttReasonCode.ProtocolError);

    // ---- Properties (§2.2.2) ----

    [Fact]
    public void DuplicateMessageExpiryIntervalIsAProtocolError() =>
        AssertViolation("30 0F 0001 61 0A 02 00000001 02 00000002 78", V5, MqttViolation.DuplicateProperty, MqttReasonCode.ProtocolError);

    [Fact]
    public void DuplicateSubscriptionIdentifierInSubscribeIsAProtocolError() =>
        AssertViolation("82 0A 0001 04 0B 01 0B 02 0001 61 00", V5, MqttViolation.DuplicateProperty, MqttReasonCode.ProtocolError);

    [Fact]
    public void DuplicateSessionExpiryInConnectIsAProtocolError() =>
        AssertViolation("10 19 0004 4D515454 05 02 003C 0A 11 00000001 11 00000002 0002 6331", V5,
            MqttViolation.DuplicateProperty, MqttReasonCode.ProtocolError);

    [Fact]
    public void RepeatedUserPropertiesAndPublishSubscriptionIdentifiersAreAllowed() =>
        Assert.Equal("PUBLISH qos=0 id=0 dup=False retain=False topic=a payload= props={UserProperty=a:b;UserProperty=a:b;SubscriptionIdentifier=1;SubscriptionIdentifier=2}",
            PacketText.Describe(Wire.Hex("30 16 0001 61 12 26 0001 61 0001 62 26 0001 61 0001 62 0B 01 0B 02"), V5));

    [Fact]
    public void PropertyNotAllowedInThePacketIsMalformed() =>
        AssertViolation("40 07 0001 00 03 23 0001", V5, MqttViolation.PropertyNotAllowed);

    [Fact]
    public void AuthenticationDataWithoutAnAuthenticationMethodIsAProtocolError() =>
        AssertViolation("10 14 0004 4D515454 05 02 003C 05 16 0002 0102 0002 6331", V5,
            MqttViolation.AuthenticationDataWithoutMethod, MqttReasonCode.ProtocolError);

    [Fact]
    public void AuthWithoutAnAuthenticationMethodIsAProtocolError() =>
        AssertViolation("F0 02 18 00", V5, MqttViolation.MissingAuthenticationMethod, MqttReasonCode.ProtocolError);

    [Fact]
    public void TopicAliasZeroIsAnInvalidTopicAlias() =>
        AssertViolation("30 08 0001 61 03 23 0000 78", V5, MqttViolation.InvalidPropertyValue, MqttReasonCode.TopicAliasInvalid);

    [Fact]
    public void UnknownPropertyIdentifierIsMalformed() =>
        AssertViolation("30 07 0001 61 02 7F 00 78", V5, MqttViolation.PropertyNotAllowed);

    [Theory]
    [InlineData("30 07 0001 61 02 01 02 78")] // payload format indicator 2
    [InlineData("30 07 0001 61 02 0B 00 78")] // subscription identifier 0
    public void PropertyValueOutOfRangeIsAProtocolError(string hex) =>
        AssertViolation(hex, V5, MqttViolation.InvalidPropertyValue, MqttReasonCode.ProtocolError);

    [Fact]
    public void PropertyLengthPastTheEndOfThePacketIsMalformed() =>
        AssertViolation("30 06 0001 61 09 01 01", V5, MqttViolation.Truncated);

    // ---- Truncation and trailing bytes ----

    [Theory]
    [InlineData("30 01 00")] // topic length cut
    [InlineData("30 03 0005 61")] // topic shorter than its length
    [InlineData("32 04 0001 61 00")] // packet identifier cut
    [InlineData("10 06 0004 4D515454")] // CONNECT ends after the protocol name
    [InlineData("40 01 00")] // PUBACK identifier cut
    [InlineData("20 01 00")] // CONNACK without return code
    public void TruncatedVariableHeaderIsMalformed(string hex) => AssertViolation(hex, V3, MqttViolation.Truncated);

    [Fact]
    public void AuthWithAReasonCodeButNoPropertyLengthIsMalformed() =>
        AssertViolation("F0 01 18", V5, MqttViolation.Truncated);

    [Theory]
    [InlineData("40 03 0001 00", MqttProtocolVersion.V311)]
    [InlineData("C0 01 00", MqttProtocolVersion.V311)]
    [InlineData("E0 01 00", MqttProtocolVersion.V311)]
    [InlineData("B0 03 0001 00", MqttProtocolVersion.V311)]
    [InlineData("20 03 00 00 00", MqttProtocolVersion.V311)]
    public void BytesAfterTheLastFieldOfAFixedLayoutAreMalformed(string hex, MqttProtocolVersion version) =>
        AssertViolation(hex, version, MqttViolation.TrailingBytes);

    // ---- Reason codes ----

    [Theory]
    [InlineData("40 03 0001 92", MqttProtocolVersion.V500)] // Packet Identifier not found is for PUBREL/PUBCOMP
    [InlineData("62 03 0001 10", MqttProtocolVersion.V500)] // No matching subscribers is for PUBACK/PUBREC
    [InlineData("20 02 00 06", MqttProtocolVersion.V311)] // 3.1.1 return codes stop at 5
    [InlineData("90 03 0001 03", MqttProtocolVersion.V311)]
    [InlineData("E0 01 05", MqttProtocolVersion.V500)]
    public void ReasonCodeNotListedForThePacketIsMalformed(string hex, MqttProtocolVersion version) =>
        AssertViolation(hex, version, MqttViolation.InvalidReasonCode);

    // ---- CONNECT and CONNACK (§3.1, §3.2) ----

    [Fact]
    public void ProtocolNameOtherThanMqttIsRefused() =>
        AssertViolation("10 0E 0006 4D5149736470 03 02 003C 0000", V3, MqttViolation.InvalidProtocolName,
            MqttReasonCode.UnsupportedProtocolVersion);

    [Fact]
    public void ProtocolLevelOtherThan4Or5IsRefused() =>
        AssertViolation("10 0C 0004 4D515454 06 02 003C 0000", V3, MqttViolation.UnsupportedProtocolVersion,
            MqttReasonCode.UnsupportedProtocolVersion);

    [Fact]
    public void ReservedConnectFlagIsMalformed() =>
        AssertViolation("10 0C 0004 4D515454 04 03 003C 0000", V3, MqttViolation.ReservedConnectFlags);

    [Fact]
    public void WillQoSWithoutTheWillFlagIsMalformed() =>
        AssertViolation("10 0C 0004 4D515454 04 0A 003C 0000", V3, MqttViolation.WillFlagsWithoutWill);

    [Fact]
    public void WillQoS3IsMalformed() =>
        AssertViolation("10 11 0004 4D515454 04 1E 003C 0000 0001 77 0000", V3, MqttViolation.InvalidQoS);

    [Fact]
    public void PasswordWithoutUserNameIsMalformedUnderVersion311() =>
        AssertViolation("10 0F 0004 4D515454 04 42 003C 0000 0001 AA", V3, MqttViolation.PasswordWithoutUserName);

    [Fact]
    public void ConnAckWithReservedFlagBitsIsMalformed() =>
        AssertViolation("20 02 02 00", V3, MqttViolation.ReservedConnectFlags);

    [Fact]
    public void ConnAckRefusalWithSessionPresentIsMalformed() =>
        AssertViolation("20 02 01 04", V3, MqttViolation.SessionPresentOnRefusal);
}
