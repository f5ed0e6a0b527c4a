using System.CommandLine;
using System.Globalization;
using System.Text;
using LoadGen.Engine;
using LoadGen.Protocol;

namespace LoadGen.Cli;

/// <summary>
/// emqtt-bench's quick modes, with its short flags: <c>loadgen conn -c 1000 -i 5</c>, <c>loadgen pub -c 100 -I 100 -t
/// "bench/%i" -q 1 -s 256 -F 4</c>, <c>loadgen sub -c 10 -t "bench/#" -q 1</c>. Each builds a profile from its flags
/// and runs it like <c>loadgen run</c>, so it writes the same results; the profile text is kept in result.json.
/// </summary>
internal static class QuickCommands
{
    public static Command Connections()
    {
        var command = new Command("conn", "Open sessions at a connect rate and hold them (emqtt-bench conn).");
        QuickFlags flags = QuickFlags.AddTo(command, publish: false, subscribe: false);
        var hold = new Option<string>("--hold") { Description = "How long to hold the connections once open.", DefaultValueFactory = _ => "10s" };
        command.Options.Add(hold);
        command.SetAction((parse, cancel) => flags.RunAsync(parse, cancel, f =>
        {
            if (!CommonOptions.TryDuration(parse.GetValue(hold)!, out TimeSpan holdFor))
            {
                throw new QuickFlags.UsageException($"--hold: \"{parse.GetValue(hold)}\" is not a duration such as 10s");
            }

            f.Group("conn", "publisher");
            if (f.DurationGiven)
            {
                holdFor = f.Duration;
            }

            f.Line("topic: \"loadgen/conn/%i\"");
            f.Line($"stages: [ {{ pause: {{ during: {QuickFlags.Ms(holdFor)} }} }} ]");
            return TimeSpan.FromSeconds(f.Count / f.ConnectRate) + holdFor;
        }));
        return command;
    }

    public static Command Publishers()
    {
        var command = new Command("pub", "Publish from many sessions at a fixed interval each (emqtt-bench pub).");
        QuickFlags flags = QuickFlags.AddTo(command, publish: true, subscribe: false);
        command.SetAction((parse, cancel) => flags.RunAsync(parse, cancel, f =>
        {
            // -I 0: the closed loop, as fast as acknowledgements allow (a rate of 0 tells Publishers so).
            double perSession = f.MessageInterval == 0 ? 0 : 1000.0 / f.MessageInterval;
            TimeSpan during = f.Limit > 0 ? TimeSpan.FromMilliseconds(f.Limit * f.MessageInterval) : f.Duration;
            f.Publishers("pub", perSession * f.Count, during);
            return TimeSpan.FromSeconds(f.Count / f.ConnectRate) + during + TimeSpan.FromSeconds(5);
        }));
        return command;
    }

    public static Command Subscribers()
    {
        var command = new Command("sub", "Subscribe many sessions and measure what arrives (emqtt-bench sub).");
        QuickFlags flags = QuickFlags.AddTo(command, publish: false, subscribe: true);
        command.SetAction((parse, cancel) => flags.RunAsync(parse, cancel, f =>
        {
            f.Group("sub", "subscriber");
            f.Line($"subscriptions: [ {{ filter: {QuickFlags.Quote(f.Topic)}, qos: {f.Qos} }} ]");
            return TimeSpan.FromSeconds(f.Count / f.ConnectRate) + f.Duration;
        }));
        return command;
    }
}
