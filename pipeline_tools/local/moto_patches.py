"""Small fixes applied to moto inside the emulator process, before it serves requests.

Each patch is a function registered with :func:`patch`; it names the moto gap it closes and why,
and has a test in tests/test_moto_patches.py. Patches never weaken what the Terraform modules
ask for: they make the emulator answer the way AWS does.
"""

from __future__ import annotations

from collections.abc import Callable

PATCHES: list[tuple[str, Callable[[], None]]] = []


def patch(name: str) -> Callable[[Callable[[], None]], Callable[[], None]]:
    def decorator(function: Callable[[], None]) -> Callable[[], None]:
        PATCHES.append((name, function))
        return function

    return decorator


def apply_all() -> list[str]:
    """Apply every registered patch; return their names."""
    applied = []
    for name, function in PATCHES:
        function()
        applied.append(name)
    return applied
