using System.Text;

namespace LoadGen.Protocol.Tests.Topics;

public class MqttTopicTests
{
    [Theory]
    // MQTT 5.0 §4.7.1.2 and §4.7.1.3 examples.
    [InlineData("sport/tennis/player1/#", "sport/tennis/player1", true)]
    [InlineData("sport/tennis/player1/#", "sport/tennis/player1/ranking", true)]
    [InlineData("sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon", true)]
    [InlineData("sport/#", "sport", true)]
    [InlineData("#", "anything/at/all", true)]
    [InlineData("sport/tennis/+", "sport/tennis/player1", true)]
    [InlineData("sport/tennis/+", "sport/tennis/player1/ranking", false)]
    [InlineData("sport/+", "sport", false)]
    [InlineData("sport/+", "sport/", true)]
    [InlineData("+/+", "/finance", true)]
    [InlineData("/+", "/finance", true)]
    [InlineData("+", "/finance", false)]
    [InlineData("a/b", "a/b", true)]
    [InlineData("a/b", "a/c", false)]
    [InlineData("a/b", "a/b/c", false)]
    // §4.7.2: wildcards at the start do not match $-topics.
    [InlineData("#", "$SYS/broker", false)]
    [InlineData("+/monitor/Clients", "$SYS/monitor/Clients", false)]
    [InlineData("$SYS/#", "$SYS/broker", true)]
    public void FiltersMatchTopicsAsTheSpecificationExamplesSay(string filter, string topic, bool expected) =>
        Assert.Equal(expected, MqttTopic.Matches(Encoding.UTF8.GetBytes(filter), Encoding.UTF8.GetBytes(topic)));

    [Theory]
    [InlineData("$share/g/a/#", true)]
    [InlineData("a/+/b", false)]
    [InlineData("#", false)]
    public void ValidFiltersPassAndSharedOnesAreRecognised(string filter, bool shared) =>
        Assert.Equal(shared, MqttTopic.ValidateFilter(Encoding.UTF8.GetBytes(filter), MqttProtocolVersion.V500));

    [Theory]
    [InlineData("$share/g")]
    [InlineData("$share//a")]
    [InlineData("$share/g+/a")]
    [InlineData("$share/g/")]
    public void MalformedSharedSubscriptionsAreInvalidFilters(string filter)
    {
        var ex = Assert.Throws<MqttProtocolException>(() => MqttTopic.ValidateFilter(Encoding.UTF8.GetBytes(filter), MqttProtocolVersion.V500));
        Assert.Equal(MqttViolation.InvalidTopicFilter, ex.Violation);
    }
}
