"""Table grids from page images: ruling lines by morphology, small rotations undone, cells with spans.

A scanned table is a grid of printed rules. This module finds them the way a person's eye does:

1. the paper is made white: grey-shaded header rows and cell backgrounds are divided out (the paper's
   brightness is what a morphological closing leaves, text and rules being thinner than its kernel),
   so a shaded cell reads like a white one and the edges of its shading are no rules;
   then ink is separated from paper by a local threshold (scanner noise and JPEG blocks stay below it);
2. a small rotation (a page laid askew on the scanner, up to ``MAX_SKEW`` degrees) is measured from the
   ink's row profile, which is sharpest when rules and text lines are level, and undone;
3. horizontal and vertical rules are what survives an opening with a long thin kernel (text strokes are
   shorter); a table is a cluster of rules large enough to hold cells;
4. the grid lines are the rules' positions; two neighbouring grid units belong to one merged cell when no
   rule separates them, so spans come from the image, never from the text.

Everything is in pixels of the (deskewed) image; callers scale to their own units. Tables drawn without
vertical rules (三线表) are not found here: their columns would have to come from the text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

#: Largest rotation corrected, in degrees (a scan askew by more is rare and needs a person).
MAX_SKEW = 3.0

Box = tuple[float, float, float, float]


@dataclass
class GridCell:
    """A cell of a grid: its top-left grid position, spans, and rectangle (on the rules' centres)."""

    row: int
    col: int
    rowspan: int
    colspan: int
    bbox: Box


@dataclass
class Grid:
    """One table: the grid lines' positions and its cells (merged cells once, with their spans)."""

    xs: list[float]
    ys: list[float]
    cells: list[GridCell] = field(default_factory=list)

    @property
    def bbox(self) -> Box:
        return (self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])

    def contains(self, x: float, y: float, margin: float = 0.0) -> bool:
        x0, y0, x1, y1 = self.bbox
        return x0 - margin <= x <= x1 + margin and y0 - margin <= y <= y1 + margin


@dataclass
class PageImage:
    """A page ready for reading: grey pixels (deskewed), the ink, the rules and the grids found."""

    gray: np.ndarray
    ink: np.ndarray
    rules: np.ndarray
    grids: list[Grid]
    angle: float
    dpi: float

    def without_rules(self) -> np.ndarray:
        """The grey page with its table rules painted over with paper (crops of cells then hold text
        only, even where the text touches a rule)."""
        import cv2

        near_rules = cv2.dilate(self.rules, np.ones((3, 3), np.uint8))
        clean = self.gray.copy()
        clean[near_rules > 0] = 255
        return clean

    def text_ink(self) -> np.ndarray:
        """Ink that is not a rule (what text is made of)."""
        import cv2

        near_rules = cv2.dilate(self.rules, np.ones((5, 5), np.uint8))
        return cv2.bitwise_and(self.ink, cv2.bitwise_not(near_rules))


def to_gray(image: np.ndarray) -> np.ndarray:
    import cv2

    if image.ndim == 2:
        return image
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_RGBA2GRAY)
    return cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)


#: Strokes thinner than this (inches) are ink, wider areas paper (2 mm: the strokes of a bold heading).
PAPER_KERNEL = 0.08


def flatten(gray: np.ndarray, dpi: float) -> np.ndarray:
    """``gray`` with its paper made white: each pixel divided by the paper's brightness around it.

    The paper's brightness is the page after a median filter (against noise: a closing takes the
    brightest pixel around, and a blur would leave speckles to take) and a closing with a square of
    ``PAPER_KERNEL`` inches, which removes every stroke thinner than that and keeps the shaded areas with
    their edges where they are (an edge estimated a few pixels off would draw a rule across a merged
    cell). On white paper this changes nothing; in a cell printed on grey, the text stays
    dark and the grey becomes white."""
    import cv2

    k = max(5, int(dpi * PAPER_KERNEL)) | 1
    denoised = cv2.medianBlur(gray, 5)
    paper = cv2.morphologyEx(denoised, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    out = gray.astype(np.float32) * (255.0 / np.maximum(paper, 1).astype(np.float32))
    return np.clip(out, 0, 255).astype(np.uint8)


def ink_mask(gray: np.ndarray) -> np.ndarray:
    """Ink as 255, paper as 0: a threshold on the local mean, after a light blur against noise."""
    import cv2

    blurred = cv2.GaussianBlur(gray, (3, 3), 0)
    return cv2.adaptiveThreshold(blurred, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 12)


def estimate_skew(ink: np.ndarray, max_angle: float = MAX_SKEW) -> float:
    """The page's rotation in degrees (positive: text runs downhill to the right), from the ink's
    row profile: rules and text lines make it sharpest when level."""
    import cv2

    small = cv2.resize(ink, (ink.shape[1] // 2, ink.shape[0] // 2), interpolation=cv2.INTER_AREA)
    ys, xs = np.nonzero(small > 96)
    if len(xs) < 200:
        return 0.0
    if len(xs) > 400_000:
        pick = np.random.default_rng(0).choice(len(xs), 400_000, replace=False)
        ys, xs = ys[pick], xs[pick]
    xs_c = xs.astype(np.float64) - small.shape[1] / 2
    height = small.shape[0]

    def sharpness(angle: float) -> float:
        shifted = np.round(ys - xs_c * np.tan(np.radians(angle))).astype(np.int64)
        shifted = shifted[(shifted >= 0) & (shifted < height)]
        profile = np.bincount(shifted, minlength=height).astype(np.float64)
        return float((profile**2).sum())

    best = 0.0
    step = 0.2
    candidates = np.arange(-max_angle, max_angle + 1e-9, step)
    for _ in range(3):
        scores = [sharpness(a) for a in candidates]
        best = float(candidates[int(np.argmax(scores))])
        step /= 5
        candidates = np.arange(best - 5 * step, best + 5 * step + 1e-9, step)
    return round(best, 3)


def rotate(gray: np.ndarray, angle: float) -> np.ndarray:
    """``gray`` turned by ``-angle`` degrees about its centre, the corners filled with paper."""
    import cv2

    h, w = gray.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)


def rule_masks(ink: np.ndarray, dpi: float) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical rules: ink that survives an opening with a long, one-pixel kernel.

    The kernels (a quarter and a fifth of an inch) are longer than the strokes of body text; short
    gaps in a rule (a faint scan) are closed again afterwards.
    """
    import cv2

    kh = max(20, int(dpi * 0.25))
    kv = max(16, int(dpi * 0.2))
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (kh, 1)))
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, kv)))
    gap = max(3, int(dpi * 0.03))
    horizontal = cv2.morphologyEx(
        horizontal, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (gap, 1))
    )
    vertical = cv2.morphologyEx(
        vertical, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (1, gap))
    )
    return horizontal, vertical


@dataclass
class _Segment:
    pos: float  # y of a horizontal rule, x of a vertical one
    start: float
    end: float


def _segments(mask: np.ndarray, horizontal: bool, min_length: float) -> list[_Segment]:
    import cv2

    n, _labels, stats, centroids = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out = []
    for i in range(1, n):
        x, y, w, h, _area = stats[i]
        if horizontal and w >= min_length:
            out.append(_Segment(float(centroids[i][1]), float(x), float(x + w)))
        elif not horizontal and h >= min_length:
            out.append(_Segment(float(centroids[i][0]), float(y), float(y + h)))
    return out


def _cluster(values: list[tuple[float, float]], tolerance: float) -> list[float]:
    """Positions (weighted by length) closer than ``tolerance`` are one grid line."""
    out: list[tuple[float, float]] = []
    for pos, weight in sorted(values):
        if out and pos - out[-1][0] <= tolerance:
            p, w = out[-1]
            out[-1] = ((p * w + pos * weight) / (w + weight), w + weight)
        else:
            out.append((pos, weight))
    return [p for p, _w in out]


def _coverage(mask: np.ndarray, pos: float, start: float, end: float, horizontal: bool, band: int) -> float:
    """Share of the stretch ``start``-``end`` at ``pos`` where a rule is drawn."""
    p = round(pos)
    a, b = round(start), round(end)
    if b <= a:
        return 1.0
    if horizontal:
        strip = mask[max(0, p - band) : p + band + 1, a:b]
        return float(strip.any(axis=0).mean()) if strip.size else 0.0
    strip = mask[a:b, max(0, p - band) : p + band + 1]
    return float(strip.any(axis=1).mean()) if strip.size else 0.0


class _Union:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, a: int) -> int:
        while self.parent[a] != a:
            self.parent[a] = self.parent[self.parent[a]]
            a = self.parent[a]
        return a

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def grid_of(horizontal: np.ndarray, vertical: np.ndarray, region: Box, dpi: float) -> Grid | None:
    """The grid of the table in ``region``: grid lines from the rules, cells merged where a rule is
    missing between two grid units."""
    x0, y0, x1, y1 = (int(v) for v in region)
    h = horizontal[y0:y1, x0:x1]
    v = vertical[y0:y1, x0:x1]
    tol = max(4.0, dpi * 0.03)
    hs = _segments(h, True, dpi * 0.25)
    vs = _segments(v, False, dpi * 0.15)
    if len(hs) < 2 or len(vs) < 1:
        return None
    ys = _cluster([(s.pos, s.end - s.start) for s in hs], 2 * tol)
    xs = _cluster([(s.pos, s.end - s.start) for s in vs], 2 * tol)
    # A table open at its sides (no outer vertical rules) ends where its horizontal rules end.
    left = min(s.start for s in hs)
    right = max(s.end for s in hs)
    if xs[0] - left > 3 * tol:
        xs.insert(0, left)
    if right - xs[-1] > 3 * tol:
        xs.append(right)
    if len(xs) < 3 or len(ys) < 2:
        return None
    band = max(2, int(tol / 2))
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    union = _Union(n_rows * n_cols)
    for r in range(n_rows):
        for c in range(n_cols):
            if c + 1 < n_cols:
                cover = _coverage(v, xs[c + 1], ys[r] + tol, ys[r + 1] - tol, False, band)
                if cover < 0.5:
                    union.union(r * n_cols + c, r * n_cols + c + 1)
            if r + 1 < n_rows:
                cover = _coverage(h, ys[r + 1], xs[c] + tol, xs[c + 1] - tol, True, band)
                if cover < 0.5:
                    union.union(r * n_cols + c, (r + 1) * n_cols + c)
    # Every cell must be a rectangle: a group shaped otherwise (a broken rule) takes its bounding box.
    changed = True
    while changed:
        changed = False
        groups: dict[int, list[tuple[int, int]]] = {}
        for r in range(n_rows):
            for c in range(n_cols):
                groups.setdefault(union.find(r * n_cols + c), []).append((r, c))
        for units in groups.values():
            r0 = min(r for r, _ in units)
            r1 = max(r for r, _ in units)
            c0 = min(c for _, c in units)
            c1 = max(c for _, c in units)
            if len(units) != (r1 - r0 + 1) * (c1 - c0 + 1):
                for r in range(r0, r1 + 1):
                    for c in range(c0, c1 + 1):
                        union.union(units[0][0] * n_cols + units[0][1], r * n_cols + c)
                changed = True
    gx = [x + x0 for x in xs]
    gy = [y + y0 for y in ys]
    grid = Grid(gx, gy)
    for units in groups.values():
        r0 = min(r for r, _ in units)
        r1 = max(r for r, _ in units)
        c0 = min(c for _, c in units)
        c1 = max(c for _, c in units)
        grid.cells.append(
            GridCell(r0, c0, r1 - r0 + 1, c1 - c0 + 1, (gx[c0], gy[r0], gx[c1 + 1], gy[r1 + 1]))
        )
    grid.cells.sort(key=lambda c: (c.row, c.col))
    return grid


def find_grids(horizontal: np.ndarray, vertical: np.ndarray, dpi: float) -> list[Grid]:
    """The tables of a page: clusters of rules at least an inch wide and holding a row of text."""
    import cv2

    rules = cv2.bitwise_or(horizontal, vertical)
    joined = cv2.dilate(rules, np.ones((5, 5), np.uint8))
    n, _labels, stats, _c = cv2.connectedComponentsWithStats(joined, connectivity=8)
    grids = []
    for i in range(1, n):
        x, y, w, h, _area = stats[i]
        if w < dpi or h < dpi * 0.15:
            continue
        grid = grid_of(horizontal, vertical, (x, y, x + w, y + h), dpi)
        if grid is not None and len(grid.cells) >= 2:
            grids.append(grid)
    grids.sort(key=lambda g: (g.ys[0], g.xs[0]))
    return grids


def prepare(image: np.ndarray, dpi: float, deskew: bool = True) -> PageImage:
    """Grey, level page with its ink, rules and table grids."""
    import cv2

    gray = flatten(to_gray(image), dpi)
    ink = ink_mask(gray)
    angle = estimate_skew(ink) if deskew else 0.0
    if abs(angle) >= 0.05:
        gray = rotate(gray, angle)
        ink = ink_mask(gray)
    horizontal, vertical = rule_masks(ink, dpi)
    grids = find_grids(horizontal, vertical, dpi)
    return PageImage(gray, ink, cv2.bitwise_or(horizontal, vertical), grids, angle, dpi)
