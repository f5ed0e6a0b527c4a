using System.CommandLine;
using System.Globalization;
using LoadGen.Engine;

// loadgen run <profile> [--broker mqtt://host:port] [--out DIR] [--duration 30s]
// Exit codes: 0 every SLO held, 1 an SLO failed, 2 bad usage or a bad profile.
var profileArgument = new Argument<string>("profile") { Description = "The YAML load profile, for example profiles/quickstart.yaml." };
var brokerOption = new Option<string?>("--broker") { Description = "A broker URL (mqtt://host:port) instead of the profile's; the default is the embedded broker." };
var outOption = new Option<string>("--out") { Description = "Where run folders go.", DefaultValueFactory = _ => "results/runs" };
var durationOption = new Option<string?>("--duration") { Description = "Overrides the profile's duration, for example 20s." };

var run = new Command("run", "Run a load profile and write result.json and summary.md.") { profileArgument, brokerOption, outOption, durationOption };
run.SetAction(async (parse, cancellationToken) =>
{
    // Console opens stdout lazily; touch it now, before thousands of sockets use up descriptors (../shared/FACTS.md).
    Console.Out.Flush();
    LoadProfile profile;
    try
    {
        profile = ProfileLoader.Load(parse.GetValue(profileArgument)!);
    }
    catch (ProfileException ex)
    {
        Console.Error.WriteLine(ex.Message);
        return 2;
    }

    TimeSpan? duration = null;
    if (parse.GetValue(durationOption) is { } text)
    {
        if (!TryDuration(text, out TimeSpan parsed))
        {
            Console.Error.WriteLine($"--duration: \"{text}\" is not a duration such as 500ms, 30s or 2m");
            return 2;
        }

        duration = parsed;
    }

    string? broker = parse.GetValue(brokerOption);
    if (broker is not null && (!Uri.TryCreate(broker, UriKind.Absolute, out Uri? uri) || uri.Scheme != "mqtt" || uri.Port <= 0))
    {
        Console.Error.WriteLine($"--broker: \"{broker}\" is not a URL such as mqtt://127.0.0.1:1883");
        return 2;
    }

    var options = new RunOptions
    {
        Broker = broker,
        Duration = duration,
        OutputRoot = parse.GetValue(outOption)!,
        Progress = line => Console.WriteLine(line),
    };
    Console.WriteLine($"loadgen: {profile.Name} on {broker ?? profile.Broker}, {profile.Groups.Sum(g => g.Sessions)} sessions, {(duration ?? profile.Duration).TotalSeconds:0.#} s");
    RunResult result = await LoadRunner.RunAsync(profile, options, cancellationToken);
    string folder = ResultWriter.Write(result, options.OutputRoot);
    Console.WriteLine();
    Console.WriteLine(ResultWriter.Summary(result));
    Console.WriteLine($"results: {folder}");
    return result.Passed ? 0 : 1;
});

var root = new RootCommand("LoadGen: an MQTT load generator and benchmark suite.") { run };
return await root.Parse(args).InvokeAsync();

static bool TryDuration(string text, out TimeSpan value)
{
    foreach ((string unit, double scale) in new[] { ("ms", 1e-3), ("s", 1.0), ("m", 60.0), ("h", 3600.0) })
    {
        if (text.EndsWith(unit, StringComparison.Ordinal) && !(unit == "s" && text.EndsWith("ms", StringComparison.Ordinal)) &&
            double.TryParse(text[..^unit.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out double amount) && amount > 0)
        {
            value = TimeSpan.FromSeconds(amount * scale);
            return true;
        }
    }

    value = default;
    return false;
}
