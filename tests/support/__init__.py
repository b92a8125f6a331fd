"""Helpers shared by the tests: paths, running the CLI, the GitHub stand-in fixture, chat
receivers, the promotion world and the terraform plan scenarios."""
