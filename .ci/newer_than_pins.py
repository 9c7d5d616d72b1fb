"""Print the installed distributions whose version differs from the pins (CI's newest-versions step), so
that a failure there names the releases to suspect."""

from __future__ import annotations

import re
import sys
from importlib import metadata
from pathlib import Path


def pins(path: str) -> dict[str, str]:
    """Name → the version pinned for this interpreter (lines whose marker does not hold are skipped)."""
    from packaging.markers import Marker

    out = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        m = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)\s*(?:;\s*(.+))?$", line)
        if m and (m.group(3) is None or Marker(m.group(3)).evaluate()):
            out[re.sub(r"[-_.]+", "-", m.group(1)).lower()] = m.group(2)
    return out


def main(path: str) -> None:
    pinned = pins(path)
    changed = []
    for dist in metadata.distributions():
        name = re.sub(r"[-_.]+", "-", dist.metadata["Name"] or "").lower()
        if name in pinned and pinned[name] != dist.version:
            changed.append(f"  {name} {dist.version} (pinned {pinned[name]})")
    print(f"newest allowed versions: {len(changed)} differ from {path}")
    print("\n".join(sorted(changed)))


if __name__ == "__main__":
    main(sys.argv[1])
