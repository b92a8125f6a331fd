"""Value classes without :mod:`dataclasses`, for the modules a command's start-up imports.

``dataclasses`` imports ``inspect`` (and with it ``ast``, ``dis`` and ``tokenize``), and each
``@dataclass`` compiles its methods when the module is imported: together about a fifth of
``plan summarize``'s start-up on a small plan (benchmarks/bench_plan_summarize.py). A class
deriving from :class:`Record` lists its fields in ``__slots__`` and writes its ``__init__``;
equality and ``repr`` come from the slots (ruff keeps them sorted), as a dataclass's would.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class Record:
    """Equality, ``repr`` and unhashability from ``__slots__``, like ``@dataclass(slots=True)``.
    Slots whose name starts with ``_`` compare but are left out of ``repr``."""

    # No __hash__: a class that defines __eq__ alone is unhashable, as a mutable dataclass is.
    __slots__ = ()

    @classmethod
    def _field_names(cls) -> tuple[str, ...]:
        names: list[str] = []
        for klass in reversed(cls.__mro__):
            names += klass.__dict__.get("__slots__", ())
        return tuple(names)

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._field_names())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Record) or type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._field_names()
                          if not name.startswith("_"))
        return f"{type(self).__name__}({shown})"


class FrozenRecord(Record):
    """A :class:`Record` that cannot change after ``__init__`` and so can be hashed (its
    ``__init__`` sets fields with ``object.__setattr__``), like ``@dataclass(frozen=True)``."""

    __slots__ = ()

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"cannot assign to field {name!r} of a frozen {type(self).__name__}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r} of a frozen {type(self).__name__}")

    def __hash__(self) -> int:
        return hash(self._values())
