using System.Runtime.CompilerServices;

// Every span this codec fills is written before it is read, so zeroing locals and stackalloc buffers in each
// prologue is pure cost on the per-packet path (Kestrel and System.Text.Json do the same).
[module: SkipLocalsInit]
