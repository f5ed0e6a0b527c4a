using LoadGen.Protocol;

namespace LoadGen.Engine;

/// <summary>QoS levels by weight, for example 60 % QoS 0, 30 % QoS 1, 10 % QoS 2.</summary>
public sealed record QosMix(int Weight0, int Weight1, int Weight2)
{
    /// <summary>Every message at one QoS.</summary>
    public static QosMix Only(MqttQualityOfService qos) =>
        new(qos == MqttQualityOfService.AtMostOnce ? 1 : 0, qos == MqttQualityOfService.AtLeastOnce ? 1 : 0, qos == MqttQualityOfService.ExactlyOnce ? 1 : 0);

    /// <summary>The sum of the weights.</summary>
    public int Total => Weight0 + Weight1 + Weight2;

    /// <summary>True when the mix sends one QoS level only.</summary>
    public bool IsSingle => (Weight0 > 0 ? 1 : 0) + (Weight1 > 0 ? 1 : 0) + (Weight2 > 0 ? 1 : 0) == 1;

    /// <summary>The highest QoS the mix sends.</summary>
    public MqttQualityOfService Highest => Weight2 > 0 ? MqttQualityOfService.ExactlyOnce : Weight1 > 0 ? MqttQualityOfService.AtLeastOnce : MqttQualityOfService.AtMostOnce;

    /// <summary>The QoS for a uniform draw in [0, 1).</summary>
    public MqttQualityOfService Pick(double uniform)
    {
        double point = uniform * Total;
        return point < Weight0 ? MqttQualityOfService.AtMostOnce
            : point < Weight0 + Weight1 ? MqttQualityOfService.AtLeastOnce
            : MqttQualityOfService.ExactlyOnce;
    }
}

/// <summary>A payload size in bytes: fixed when <see cref="Min"/> equals <see cref="Max"/>, else drawn uniformly.</summary>
public readonly record struct PayloadSize(int Min, int Max);
