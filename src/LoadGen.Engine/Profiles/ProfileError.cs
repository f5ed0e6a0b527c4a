namespace LoadGen.Engine;

/// <summary>One problem in a profile: where it is and what is allowed instead.</summary>
/// <param name="File">The profile file.</param>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column.</param>
/// <param name="Field">The field's path, for example <c>groups[0].qos</c>.</param>
/// <param name="Message">What is wrong and what is allowed.</param>
public sealed record ProfileError(string File, int Line, int Column, string Field, string Message)
{
    /// <inheritdoc/>
    public override string ToString() => Line > 0 ? $"{File}:{Line}:{Column}: {Field}: {Message}" : $"{File}: {Field}: {Message}";
}

/// <summary>A profile that cannot be used; <see cref="Exception.Message"/> lists every problem, one per line.</summary>
public sealed class ProfileException : Exception
{
    /// <summary>Creates the exception from its errors.</summary>
    public ProfileException(IReadOnlyList<ProfileError> errors)
        : base(string.Join(Environment.NewLine, errors)) => Errors = errors;

    /// <summary>Every problem found.</summary>
    public IReadOnlyList<ProfileError> Errors { get; }
}
