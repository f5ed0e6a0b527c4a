namespace LoadGen.Engine.Tests;

/// <summary>What failed in a result, as one line: the assertion message of engine tests (the Markdown summary is Reporting's).</summary>
internal static class ResultText
{
    public static string Failures(RunResult r) => string.Join("; ",
        r.Rules.Where(x => !x.Passed).Select(x => $"{x.Rule}: {x.Text}")
            .Concat(r.Slos.Where(x => !x.Passed).Select(x => $"slo {x.Threshold}: {x.Shown}"))
            .Concat(r.Audit.Where(x => !x.Passed).Select(x => $"audit QoS {x.Qos}: {x.Verdict}"))
            .Append(r.Partial ? $"partial: {r.PartialReason}" : "complete"));
}
