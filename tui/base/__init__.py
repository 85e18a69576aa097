"""What every layer may use and which depends on none: text made safe where it enters,
the garbage collector paused around big allocations, command-line value types, the
terminal's hangup."""
