"""``pipeline-tools status``: what an environment runs, its release file, last apply and drift."""
