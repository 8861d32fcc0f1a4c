from __future__ import annotations

import os
from collections.abc import Iterator

import pytest


@pytest.fixture
def umask() -> Iterator[int]:
    """A umask unlike the usual 022, so that a file mode copied from the wrong place shows."""
    old = os.umask(0o027)
    try:
        yield 0o027
    finally:
        os.umask(old)
