"""Promotion: move the exact digest one environment verified into the next, by pull request."""
