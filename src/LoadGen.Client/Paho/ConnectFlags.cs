namespace LoadGen.Client;

/// <summary>The flags paho passes to on_connect: <c>flags['session present']</c>.</summary>
/// <param name="SessionPresent">The broker still had this client's session (only meaningful with clean session off).</param>
public readonly record struct ConnectFlags(bool SessionPresent);
