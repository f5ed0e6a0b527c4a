using System.CommandLine;
using System.Globalization;

namespace LoadGen.Cli;

/// <summary>The options every load command has: <c>--broker</c>, <c>--duration</c> and <c>--out</c>.</summary>
internal sealed class CommonOptions
{
    private readonly Option<string?> _broker = new("--broker") { Description = "A broker URL (mqtt://host:port); the default is the embedded broker." };
    private readonly Option<string?> _duration = new("--duration") { Description = "How long to run, for example 20s (overrides the profile)." };
    private readonly Option<string> _out = new("--out") { Description = "Where run folders go.", DefaultValueFactory = _ => "results" };

    public static CommonOptions AddTo(Command command)
    {
        var options = new CommonOptions();
        command.Options.Add(options._broker);
        command.Options.Add(options._duration);
        command.Options.Add(options._out);
        return options;
    }

    /// <summary>Reads and checks the options; on a bad value, says which and what is allowed, and returns false.</summary>
    public bool TryRead(ParseResult parse, out string? broker, out TimeSpan? duration, out string outputRoot)
    {
        broker = parse.GetValue(_broker);
        duration = null;
        outputRoot = parse.GetValue(_out)!;
        if (broker is not null && (!Uri.TryCreate(broker, UriKind.Absolute, out Uri? uri) || uri.Scheme != "mqtt" || uri.Port <= 0))
        {
            Console.Error.WriteLine($"--broker: \"{broker}\" is not a URL such as mqtt://127.0.0.1:1883");
            return false;
        }

        if (parse.GetValue(_duration) is { } text)
        {
            if (!TryDuration(text, out TimeSpan parsed))
            {
                Console.Error.WriteLine($"--duration: \"{text}\" is not a duration such as 500ms, 30s or 2m");
                return false;
            }

            duration = parsed;
        }

        return true;
    }

    public static bool TryDuration(string text, out TimeSpan value)
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
}
