"""Tiny helpers shared across layers."""

from __future__ import annotations

import json
from typing import Any


def dumps(obj: Any) -> str:
    """JSON for locators: compact, UTF-8, keys in a stable order."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
