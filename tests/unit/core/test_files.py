"""Atomic writes: the target holds the old content or the new one, never half of either, and no
temporary file is left behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline_tools.core.files import atomic_path, write_text_atomic


def test_write_replaces_the_content_and_leaves_nothing_else(tmp_path: Path) -> None:
    target = tmp_path / "release.json"
    target.write_text("old\n")
    write_text_atomic(target, "new\n")
    assert target.read_text() == "new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["release.json"]


def test_a_failing_writer_keeps_the_old_content_and_removes_its_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "deployer.zip"
    target.write_bytes(b"the previous build")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_bytes(b"half a zi")
        raise RuntimeError("the writer crashed")
    assert target.read_bytes() == b"the previous build"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deployer.zip"]


def test_a_missing_directory_is_an_os_error_and_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        write_text_atomic(tmp_path / "absent" / "report.json", "{}")
    assert list(tmp_path.iterdir()) == []
