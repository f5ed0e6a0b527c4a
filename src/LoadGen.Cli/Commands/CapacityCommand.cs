using System.CommandLine;
using System.Globalization;
using LoadGen.Engine;
using LoadGen.Reporting;

namespace LoadGen.Cli;

/// <summary>
/// <c>loadgen capacity &lt;profile&gt;</c> or <c>loadgen capacity -c 50 -q 1 -s 100 -t 'cap/%i'</c>: searches the highest
/// rate the broker sustains within the SLOs (ramp, bisect, confirm), says who saturated, and writes the curve.
/// </summary>
internal static class CapacityCommand
{
    private static readonly CapacityOptions Defaults = new();

    public static Command Create()
    {
        var profileArgument = new Argument<string?>("profile") { Description = "A YAML load profile whose publisher groups are scaled together; without one, the pub flags (-c, -q, -s, -t ...) describe the load.", Arity = ArgumentArity.ZeroOrOne };
        var setOption = new Option<string[]>("--set") { Description = "Overrides a profile field, as for loadgen run." };
        var start = new Option<double>("--start") { Description = "The first rate tried, msg/s over every publisher.", DefaultValueFactory = _ => Defaults.Start };
        var max = new Option<double>("--max") { Description = "The highest rate tried, msg/s.", DefaultValueFactory = _ => Defaults.Max };
        var stepDuration = new Option<string?>("--step-duration") { Description = "Measured time per step, for example 10s (a confirmation holds twice this); the default keeps a search within about 3 minutes." };
        var precision = new Option<string>("--precision") { Description = "Bisect until the last good and first bad rate are this close, for example 5%.", DefaultValueFactory = _ => string.Create(CultureInfo.InvariantCulture, $"{Defaults.Precision * 100}%") };
        var command = new Command("capacity", "Find the highest rate the broker sustains within the SLOs: ramp, bisect, confirm; says whether the broker, the generator or the network saturated.")
        {
            profileArgument, setOption, start, max, stepDuration, precision,
        };
        QuickFlags flags = QuickFlags.AddTo(command, publish: true, subscribe: false, searched: true);
        command.SetAction(async (parse, cancellationToken) =>
        {
            string? path = parse.GetValue(profileArgument);
            RunSettings? settings;
            LoadProfile? profile;
            if (path is not null)
            {
                // With a profile the profile is the load; a flag that would change it must go through --set.
                if (flags.Given(parse) is [_, ..] given)
                {
                    Console.Error.WriteLine($"{string.Join(", ", given)}: the pub flags describe the load when no profile is given; with a profile, change it with --set (for example --set groups.devices.qos=1)");
                    return 2;
                }

                if (!flags.TryReadCommon(parse, out RunSettings read))
                {
                    return 2;
                }

                settings = read;
                try
                {
                    profile = ProfileLoader.Load(path, parse.GetValue(setOption) ?? []);
                }
                catch (ProfileException ex)
                {
                    Console.Error.WriteLine(ex.Message);
                    return 2;
                }
            }
            else
            {
                if (parse.GetResult(setOption) is not null)
                {
                    Console.Error.WriteLine("--set: overrides a profile's field, and no profile was given; the pub flags describe the load themselves");
                    return 2;
                }

                if (!flags.TopicGiven(parse))
                {
                    Console.Error.WriteLine("loadgen capacity: give a profile, or the pub flags with a topic (-t 'cap/%i')");
                    return 2;
                }

                if (!flags.TryBuild(parse, f =>
                {
                    // The rate is the search's; this one only gives the group its weight.
                    f.Publishers("capacity", f.Count, TimeSpan.FromSeconds(1));
                    return TimeSpan.FromSeconds(10);
                }, out profile, out settings))
                {
                    return 2;
                }
            }

            if (CapacityProfile.Problem(profile) is { } problem)
            {
                Console.Error.WriteLine(problem);
                return 2;
            }

            var slos = new List<SloThreshold>();
            if (path is not null)
            {
                // Without a profile the flags' SLOs are already in the profile they became.
                foreach (string text in flags.Slos(parse))
                {
                    try
                    {
                        slos.Add(ProfileLoader.ParseSlo(text));
                    }
                    catch (ProfileException ex)
                    {
                        Console.Error.WriteLine($"--slo: {ex.Message}");
                        return 2;
                    }
                }
            }

            var options = new CapacityOptions { Start = parse.GetValue(start), Max = parse.GetValue(max), Slos = slos };
            if (parse.GetValue(stepDuration) is { } stepText)
            {
                if (!CommonOptions.TryDuration(stepText, out TimeSpan step))
                {
                    Console.Error.WriteLine($"--step-duration: \"{stepText}\" is not {Durations.Allowed}, above zero");
                    return 2;
                }

                options = options with { StepDuration = step };
            }

            string precisionText = parse.GetValue(precision)!;
            if (!Units.TryParsePercent(precisionText, out double fraction))
            {
                Console.Error.WriteLine($"--precision: \"{precisionText}\" is not a percentage such as 5%");
                return 2;
            }

            options = options with { Precision = fraction };
            if (options.Problem() is { } optionProblem)
            {
                Console.Error.WriteLine(optionProblem);
                return 2;
            }

            return await SearchAsync(profile, settings, options, cancellationToken);
        });
        return command;
    }

    private static async Task<int> SearchAsync(LoadProfile profile, RunSettings settings, CapacityOptions options, CancellationToken cancellationToken)
    {
        FileLimit.Raise();
        string folder = RunExecution.CreateFolder(settings, profile.Name + "-capacity");
        string broker = settings.Broker ?? profile.Broker;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"capacity: {profile.Name} on {broker}, from {options.Start:0} to at most {options.Max:0} msg/s, {Durations.Format(options.StepFor(profile))} steps, precision {Units.Percent(options.Precision)} -> {folder}"));
        if (options.StepDuration is null && options.EstimatedSearch(profile) > CapacityOptions.Budget)
        {
            Console.WriteLine($"capacity: this profile's steps take long to set up (connects, warm-up): a search will take about {Durations.Format(TimeSpan.FromSeconds(Math.Round(options.EstimatedSearch(profile).TotalSeconds)))}");
        }

        RunResult result;
        bool passed;
        BrokerProbe? probe = null;
        try
        {
            // An external broker is probed at rest now, and before every next step until it answers as fast again; an
            // embedded one starts afresh with each step.
            probe = broker == "embedded" ? null : await BrokerProbe.StartAsync(broker, cancellationToken);
            if (probe is not null)
            {
                Console.WriteLine(probe.AtRest is { } rest
                    ? string.Create(CultureInfo.InvariantCulture, $"capacity: the broker at rest acknowledges a probe in {rest.TotalMilliseconds:0.###} ms; each next step waits for it to do so again")
                    : "capacity: the broker could not be probed (a QoS 1 PUBLISH, anonymous, on a connection of its own); steps follow each other without a recovery check");
            }

            Func<CancellationToken, Task<double?>>? recover = probe?.AtRest is null ? null : cancel => probe.RecoverAsync(TimeSpan.FromSeconds(30), cancel);
            CapacityOutcome outcome = await CapacitySearch.RunAsync(profile, options, (plan, cancel) => RunStepAsync(plan, settings, folder, cancel), recover, Print, cancellationToken);
            (result, passed) = (outcome.Result, outcome.Capacity.Passed);
        }
        catch (ArgumentException ex)
        {
            // Refused before the first session (a broker name that does not resolve): bad usage, nothing measured.
            Console.Error.WriteLine($"loadgen: {ex.Message}");
            return 2;
        }
        catch (Exception ex)
        {
            // Every exit path leaves a result.json: the steps' folders hold what they measured, this says why it ended.
            Console.Error.WriteLine($"loadgen: the capacity search failed: {ex.GetType().Name}: {ex.Message}");
            (result, passed) = (RunResultBuilder.Failed(profile, broker, ex), false);
        }
        finally
        {
            probe?.Dispose();
        }

        RunSummary.Write(result, folder);
        Console.WriteLine();
        Console.WriteLine(RunSummary.Summary(result));
        RunExecution.TryReport(result, folder);
        Console.WriteLine($"results: {folder}");
        return passed ? 0 : 1;
    }

    private static async Task<RunResult> RunStepAsync(CapacityStepPlan plan, RunSettings settings, string folder, CancellationToken cancellationToken)
    {
        string stepFolder = Path.Combine(folder, plan.Folder);
        var options = new RunOptions
        {
            Broker = settings.Broker,
            OutputFolder = stepFolder,
            ProfileText = plan.Profile.Text,
            SourceAddresses = settings.SourceAddresses,
            Tls = settings.Tls,
        };
        RunResult result;
        try
        {
            result = await LoadRunner.RunAsync(plan.Profile, options, cancellationToken);
        }
        catch (ArgumentException) when (plan.Index == 1)
        {
            // Refused before the first session of the first step: bad usage, for the caller to report.
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A step the engine could not finish is a failed step with the failure named: the generator's, which ends
            // the search (Saturation), never the broker's.
            result = RunResultBuilder.Failed(plan.Profile, settings.Broker ?? plan.Profile.Broker, ex);
        }

        RunSummary.Write(result, stepFolder);
        return result;
    }

    private static void Print(CapacityStep s)
    {
        string latency = string.Join(", ", s.Latency.Where(l => LatencyMetrics.Named(l.Key)?.IsHandshake == true)
            .Select(l => string.Create(CultureInfo.InvariantCulture, $"p99 {l.Key} {l.Value.P99 / 1000:0.###} ms")));
        string verdict = s.Passed ? "PASS" : $"FAIL ({s.LimitedBy?.ToString().ToLowerInvariant()}: {s.Broke})";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"capacity: step {s.Index} {s.Phase} {s.Offered:0} msg/s: achieved {s.Achieved:0}, {latency}, generator CPU {Units.Percent(Math.Round(s.GeneratorCpu, 2))}: {verdict}"));
    }
}
