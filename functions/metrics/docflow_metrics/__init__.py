"""Business counters in the Prometheus text format, for the local stack and long-running deployments."""
