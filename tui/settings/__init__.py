"""What the operator asked for: the config file, the environment, flags and profiles
resolved into launch options; where state lives on disk."""
