"""How many examples each property test tries: all of them in ``make test``, fewer in test-fast.

``PIPELINE_TOOLS_HYPOTHESIS=fast`` (set by ``make test-fast``) caps every property at
:data:`FAST_EXAMPLES`; unset, each runs the count its test asks for. The properties and their
assertions are the same either way: test-fast samples the same space less densely, and
``make test`` (what CI runs) keeps the full count.
"""

from __future__ import annotations

import os

FAST_EXAMPLES = 15


def fast() -> bool:
    return os.environ.get("PIPELINE_TOOLS_HYPOTHESIS", "") == "fast"


def examples(full: int) -> int:
    """``full`` examples, or at most :data:`FAST_EXAMPLES` in the fast profile."""
    return min(full, FAST_EXAMPLES) if fast() else full
