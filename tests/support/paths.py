"""Where the tests find the repository, their fixtures and their terraform roots."""

from __future__ import annotations

from pathlib import Path

TESTS_DIR = Path(__file__).resolve().parent.parent
REPO_ROOT = TESTS_DIR.parent
# Real tool outputs (provenance in tests/fixtures/SOURCES.md).
FIXTURES = TESTS_DIR / "fixtures"
# Small terraform roots the tests plan and apply against the emulator.
TF_ROOTS = TESTS_DIR / "tf"
