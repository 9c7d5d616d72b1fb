"""A minimal OLE compound-file (CFB v3) writer, for detection tests (olefile only reads).

Enough structure for readers to list and open the streams: one FAT, a directory whose entries hang off
the root as a chain of right siblings, every stream in regular sectors (streams are padded to the 4096-
byte mini-stream cutoff, so no mini stream is needed). Not a Word or Excel file beyond the stream names
and whatever bytes the caller puts in them.
"""

from __future__ import annotations

import math
import struct

_SECTOR = 512
_FREE, _END, _FATSECT, _NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
_CUTOFF = 4096


def _entry(name: str, kind: int, start: int, size: int, right: int, child: int) -> bytes:
    encoded = name.encode("utf-16-le") + b"\x00\x00"
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        encoded,
        len(encoded),
        kind,
        1,  # black
        _NOSTREAM,  # left sibling
        right,
        child,
        b"\x00" * 16,
        0,
        0,
        0,
        start,
        size,
    )[:128]


def write_ole(streams: dict[str, bytes]) -> bytes:
    """An OLE file holding ``streams`` (name → bytes) at its root."""
    padded = {name: data.ljust(_CUTOFF, b"\x00") for name, data in streams.items()}
    n_dir = math.ceil((1 + len(padded)) * 128 / _SECTOR)
    stream_sectors = [math.ceil(len(d) / _SECTOR) for d in padded.values()]
    others = n_dir + sum(stream_sectors)
    n_fat = 1
    while n_fat * (_SECTOR // 4) < n_fat + others:
        n_fat += 1
    if n_fat > 109:
        raise ValueError("too large for this writer")
    fat: list[int] = [_FATSECT] * n_fat
    first_dir = len(fat)
    fat += [first_dir + i + 1 for i in range(n_dir - 1)] + [_END]
    starts = []
    for count in stream_sectors:
        start = len(fat)
        starts.append(start)
        fat += [start + i + 1 for i in range(count - 1)] + [_END]
    fat += [_FREE] * (n_fat * (_SECTOR // 4) - len(fat))

    names = list(padded)
    entries = [_entry("Root Entry", 5, _END, 0, _NOSTREAM, 1 if names else _NOSTREAM)]
    for i, name in enumerate(names):
        right = i + 2 if i + 1 < len(names) else _NOSTREAM
        entries.append(_entry(name, 2, starts[i], len(padded[name]), right, _NOSTREAM))
    # Unused directory slots must be empty entries with no siblings.
    unused = (n_dir * _SECTOR - len(entries) * 128) // 128
    directory = b"".join(entries) + b"".join(
        struct.pack("<64sHBBIII", b"", 0, 0, 0, _NOSTREAM, _NOSTREAM, _NOSTREAM).ljust(128, b"\x00")
        for _ in range(unused)
    )

    difat = list(range(n_fat)) + [_FREE] * (109 - n_fat)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        b"\x00" * 16,
        0x003E,
        0x0003,
        0xFFFE,
        9,
        6,
        b"\x00" * 6,
        0,
        n_fat,
        first_dir,
        0,
        _CUTOFF,
        _END,
        0,
        _END,
        0,
    ) + struct.pack("<109I", *difat)
    body = struct.pack(f"<{len(fat)}I", *fat) + directory
    for name in names:
        body += padded[name].ljust(math.ceil(len(padded[name]) / _SECTOR) * _SECTOR, b"\x00")
    return header + body
