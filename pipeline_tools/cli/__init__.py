"""The ``pipeline-tools`` command line: :mod:`.main` (the entry point) and one argparse-only module
per command in :mod:`.commands`. Nothing here imports more than the standard library at start-up."""
