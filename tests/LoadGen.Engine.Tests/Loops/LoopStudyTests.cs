using LoadGen.Client;

namespace LoadGen.Engine.Tests.Loops;

/// <summary>A short loop-model study against the embedded broker: every model finishes the same work at QoS 1 and 2.</summary>
public class LoopStudyTests
{
    [Fact]
    public async Task AShortStudyCompletesUnderEveryModelAtBothAcknowledgedLevels()
    {
        var options = new LoopStudyOptions { Sessions = [10], Windows = [1, 16], Qos = [1, 2], Messages = 500, Limit = TimeSpan.FromSeconds(30) };
        LoopStudyResult study = await LoopStudy.RunAsync(options, null, CancellationToken.None);

        Assert.Equal(Enum.GetValues<LoopModel>().Length * 4, study.Cases.Count);
        Assert.All(study.Cases, c =>
        {
            Assert.True(c.Status == "ok", $"{c.Model}/{c.Window}/QoS {c.Qos}: {c.Status}");
            // The same message count is acknowledged under every model.
            Assert.Equal(500, c.Acknowledged);
            Assert.True(c.MessagesPerSecond > 0 && c.P50 > 0 && c.P99 >= c.P50 && c.CpuMicrosecondsPerMessage > 0 && c.Threads > 0, c.ToString());
            Assert.NotEmpty(c.ThreadCpuMicrosecondsPerMessage);
        });
        Assert.Equal([1, 2], study.Cases.Select(c => c.Qos).Distinct().Order());
        // A thread per client shows as threads doing the work: CPU on the client loop threads, one such thread per client.
        Assert.All(study.Cases.Where(c => c.Model is LoopModel.ThreadPerClient or LoopModel.LoopForever), c => Assert.True(c.ThreadCpuMicrosecondsPerMessage.ContainsKey("client loop threads"), $"{c.Model}: {string.Join(", ", c.ThreadCpuMicrosecondsPerMessage.Keys)}"));
        Assert.All(study.Cases.Where(c => c.Model is LoopModel.ThreadPerClient or LoopModel.LoopForever), c => Assert.True(c.LoopThreads == 10, $"{c.Model}: {c.LoopThreads} loop threads"));
        Assert.All(study.Cases.Where(c => c.Model is LoopModel.EventLoop or LoopModel.CallerLoop), c => Assert.True(c.LoopThreads == 1, $"{c.Model}: {c.LoopThreads} loop threads"));
        // The single-thread models spend their CPU on their one loop thread, which the accounting names.
        Assert.All(study.Cases.Where(c => c.Model is LoopModel.EventLoop or LoopModel.CallerLoop), c => Assert.True(c.ThreadCpuMicrosecondsPerMessage.ContainsKey("the one loop thread"), $"{c.Model}: {string.Join(", ", c.ThreadCpuMicrosecondsPerMessage.Keys)}"));
        Assert.All(study.LargestSessions.Values, n => Assert.Equal(10, n));
    }
}
