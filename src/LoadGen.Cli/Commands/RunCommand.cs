using System.CommandLine;
using LoadGen.Engine;

namespace LoadGen.Cli;

/// <summary><c>loadgen run &lt;profile&gt; [--broker URL] [--out DIR] [--duration 30s] [--set key=value ...]</c>.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var profileArgument = new Argument<string>("profile") { Description = "The YAML load profile, for example profiles/quickstart.yaml." };
        var setOption = new Option<string[]>("--set")
        {
            Description = "Overrides a profile field, for example --set groups.devices.sessions=500 --set duration=30s.",
            AllowMultipleArgumentsPerToken = false,
        };
        var check = new Option<bool>("--check") { Description = "Only check the profile and the options, print what would run, and exit (0 when they are good, 2 when not)." };
        var command = new Command("run", "Run a load profile; writes result.json, summary.md, timeseries.csv and latency.hlog.") { profileArgument, setOption, check };
        CommonOptions common = CommonOptions.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!common.TryRead(parse, out RunSettings settings))
            {
                return 2;
            }

            LoadProfile profile;
            try
            {
                profile = ProfileLoader.Load(parse.GetValue(profileArgument)!, parse.GetValue(setOption) ?? []);
            }
            catch (ProfileException ex)
            {
                Console.Error.WriteLine(ex.Message);
                return 2;
            }

            if (parse.GetValue(check))
            {
                Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"check: {profile.Name}: broker {settings.Broker ?? profile.Broker}, duration {Durations.Format(settings.Duration ?? profile.Duration)}, {profile.Groups.Count} groups, {profile.Groups.Sum(g => g.Sessions)} sessions, {profile.Slos.Count} SLOs"));
                return 0;
            }

            return await RunExecution.RunAsync(profile, settings, cancellationToken);
        });
        return command;
    }
}
