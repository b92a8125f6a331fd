"""Adapters to the outside world: terraform CLI, GitHub, AWS, Slack and Discord."""
