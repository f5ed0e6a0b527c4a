namespace LoadGen.Engine;

/// <summary>One default rule of a run's verdict and how the run fared against it.</summary>
/// <param name="Rule">The rule's name: <c>complete</c>, <c>connect</c>, <c>errors</c>, <c>acknowledged</c>, <c>throughput</c>, <c>delivery</c> or <c>generator</c>.</param>
/// <param name="Passed">True when the run met it.</param>
/// <param name="Text">What was found, in words, with the figures and named causes.</param>
/// <param name="RelaxedBy">The profile SLO that replaced the rule's default bound, if one did.</param>
public sealed record VerdictRule(string Rule, bool Passed, string Text, string? RelaxedBy = null);
