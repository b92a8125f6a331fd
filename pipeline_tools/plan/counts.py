"""Counting a plan's changes exactly as terraform's ``Plan: ...`` line does.

Terraform counts managed resources only: a replacement (``["delete","create"]`` or
``["create","delete"]``) is one add and one destroy; an import is counted as an import *and*
by its action (an import that also updates is one import and one change); moves, forgets and
data source reads are not part of the add/change/destroy figures. We count those separately.
"""

from __future__ import annotations

from pipeline_tools.core.records import Record


class Counts(Record):
    """Figures of one plan. ``import_`` is ``import`` in JSON (a Python keyword)."""

    __slots__ = ("add", "change", "destroy", "forget", "import_", "move", "read", "replace")
    add: int
    change: int
    destroy: int
    import_: int
    replace: int
    move: int
    forget: int
    read: int

    def __init__(self, add: int = 0, change: int = 0, destroy: int = 0, import_: int = 0,
                 replace: int = 0, move: int = 0, forget: int = 0, read: int = 0) -> None:
        self.add = add
        self.change = change
        self.destroy = destroy
        self.import_ = import_
        self.replace = replace
        self.move = move
        self.forget = forget
        self.read = read

    def to_json_dict(self) -> dict[str, int]:
        return {
            "add": self.add,
            "change": self.change,
            "destroy": self.destroy,
            "import": self.import_,
            "replace": self.replace,
            "move": self.move,
            "forget": self.forget,
            "read": self.read,
        }

    def terraform_line(self) -> str:
        """The line terraform prints: ``Plan: [N to import, ]N to add, N to change, N to destroy.``

        When something is forgotten we append ``, N to forget`` (terraform 1.11 leaves forgets
        out of the line, so a reader would not otherwise see them there).
        """
        parts = []
        if self.import_:
            parts.append(f"{self.import_} to import")
        parts += [f"{self.add} to add", f"{self.change} to change", f"{self.destroy} to destroy"]
        if self.forget:
            parts.append(f"{self.forget} to forget")
        return "Plan: " + ", ".join(parts) + "."

    def count(self, actions: tuple[str, ...] | list[str], *, mode: str, importing: bool, moved: bool) -> None:
        """Add one ``resource_changes`` entry."""
        if importing:
            self.import_ += 1
        if moved:
            self.move += 1
        if mode == "data":
            if "read" in actions:
                self.read += 1
            return
        if "create" in actions:
            self.add += 1
        if "delete" in actions:
            self.destroy += 1
        if "create" in actions and "delete" in actions:
            self.replace += 1
        if "update" in actions:
            self.change += 1
        if "forget" in actions:
            self.forget += 1
        if "read" in actions:
            self.read += 1
