"""The OCR engine: an image in, text boxes with confidences and per-character alternatives out.

ogi reads scans with RapidOCR (``pip install 'ogi[ocr]'``: ``rapidocr`` 3.x on ``onnxruntime``). Its
Chinese models ship inside the wheel, and they are the only ones ever used: the detection model is named
by path, so RapidOCR's download code is never reached, and recognition runs the packaged model through
onnxruntime directly. Nothing here touches the network.

Recognition is run here rather than through RapidOCR's pipeline because ogi needs more than a line of text
and a mean score: each character's probability and the readings the model considered next to it (CTC
alternatives: another character, no character, or a character between two), so that ``ogi.schema`` can
correct a doubtful digit when the identities allow exactly one value. Crops are also padded only to the
widest crop of their batch (RapidOCR pads every crop to 320 px), which halves the time on tables of
short numbers.

Both models run in onnxruntime sessions set for the machine (``session_options``): one thread per core
the process may use, graph optimisation on, and threads that sleep rather than spin between calls (a
spinning pool takes a core from whatever else runs: on a shared machine, twice the wall clock). These
settings change how the work is scheduled, not what is computed: every reading is the same, bit for bit.

The readings themselves (and what follows from them without the engine) are in
``ogi.extractors.ocr.readings``. Without the extra, ``available()`` is False and ``MISSING`` says what to install; callers then leave the
report ``needs_ocr``.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import util as importlib_util
from pathlib import Path
from typing import Any

import numpy as np

from ogi.extractors.ocr.readings import CharReading, LineReading

#: The reason a report stays ``needs_ocr`` when the OCR stack is not installed.
MISSING = "OCR is not installed (pip install 'ogi[ocr]': rapidocr and onnxruntime)"

#: Alternatives less likely than this are not worth listing.
MIN_ALTERNATIVE = 0.02
#: Detection runs on the page scaled so that its longer side is at most this many pixels (text at
#: 200 dpi stays well above the detector's smallest size; the cost falls with the square of the scale).
DET_MAX_SIDE = 1200
#: Recognition input height (the model's) and batch size.
REC_HEIGHT = 48
REC_BATCH = 8
#: A crop narrower than this many times its height holds about one glyph (or a short number).
LONE = 1.6
#: Lone glyphs read together in one line (context makes the recogniser sure of them).
GLYPHS_PER_LINE = 10


@cache
def available() -> bool:
    """Whether the OCR extra (rapidocr, onnxruntime; OpenCV comes with rapidocr) is installed."""
    return all(importlib_util.find_spec(m) is not None for m in ("rapidocr", "onnxruntime", "cv2"))


@dataclass
class TextBox:
    """A line of text found on an image: axis-aligned ``bbox`` (x0, top, x1, bottom) in pixels."""

    bbox: tuple[float, float, float, float]
    reading: LineReading

    @property
    def text(self) -> str:
        return self.reading.text


def cores() -> int:
    """The cores this process may run on (its CPU affinity: a container or ``taskset`` may allow fewer
    than the machine has)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # no affinity on this platform
        return max(1, os.cpu_count() or 1)


def session_options() -> Any:
    """onnxruntime settings for ogi's models on this machine.

    One intra-op thread per usable core (the models' convolutions split well over cores, and a thread
    more than the cores only waits), operators run one after another (the models are a chain: a second
    pool of inter-op threads would have nothing to do), every graph optimisation on, and threads that
    sleep between calls instead of spinning: ogi's own work between two calls (cropping, decoding) would
    otherwise compete with a spinning pool, and on a machine shared with other processes spinning threads
    take the cores those need (measured: twice the wall clock per page under a load of 3 on 2 cores, the
    same on an idle machine). The results do not depend on any of this.
    """
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 4
    options.intra_op_num_threads = cores()
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.add_session_config_entry("session.inter_op.allow_spinning", "0")
    return options


def _models_dir() -> Path:
    spec = importlib_util.find_spec("rapidocr")
    if spec is None or spec.origin is None:
        raise RuntimeError(MISSING)
    return Path(spec.origin).parent / "models"


def _packaged(pattern: str) -> Path:
    """The packaged model file matching ``pattern`` (the wheel ships one per task)."""
    found = sorted(_models_dir().glob(pattern))
    if not found:
        raise RuntimeError(f"the rapidocr wheel has no packaged model {pattern} (ogi never downloads one)")
    return found[-1]


class Engine:
    """Text detection (RapidOCR) and recognition (the packaged model through onnxruntime).

    One per process (``engine()``); calls are serialised by a lock because onnxruntime sessions already
    use every core.
    """

    def __init__(self) -> None:
        import onnxruntime as ort
        from rapidocr import RapidOCR

        det_model = _packaged("*det*.onnx")
        self._rec_model = _packaged("*rec*.onnx")
        self._det = RapidOCR(
            params={
                "Global.log_level": "error",
                "Global.use_cls": False,
                "Global.text_score": 0.0,
                "Global.max_side_len": DET_MAX_SIDE,
                "Global.model_root_dir": str(det_model.parent),
                "Det.model_path": str(det_model),
            }
        )
        # RapidOCR opens its detection session with spinning threads; it runs in ours instead (the same
        # model, RapidOCR's pre- and post-processing around it).
        self._det._load_det_model().session.session = ort.InferenceSession(
            str(det_model), sess_options=session_options(), providers=["CPUExecutionProvider"]
        )
        self._rec = ort.InferenceSession(
            str(self._rec_model), sess_options=session_options(), providers=["CPUExecutionProvider"]
        )
        meta = self._rec.get_modelmeta().custom_metadata_map
        # CTC classes: blank, the model's characters, and a space at the end (as PaddleOCR trains it).
        self._classes = ["", *meta["character"].splitlines(), " "]
        self._input = self._rec.get_inputs()[0].name
        self._digits = np.array([self._classes.index(d) for d in "0123456789"])
        self._lock = threading.Lock()

    # -- detection -----------------------------------------------------------------------------------

    def detect(self, image: np.ndarray) -> list[tuple[float, float, float, float]]:
        """Axis-aligned boxes (x0, top, x1, bottom) of the text lines on ``image`` (RGB or grey)."""
        rgb = _rgb(image)
        with self._lock:
            out = self._det(rgb, use_det=True, use_cls=False, use_rec=False)
        boxes = getattr(out, "boxes", None)
        if boxes is None or len(boxes) == 0:
            return []
        found = []
        for quad in np.asarray(boxes, dtype=np.float32):
            xs, ys = quad[:, 0], quad[:, 1]
            found.append((float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())))
        return found

    # -- recognition ---------------------------------------------------------------------------------

    def recognize(self, crops: Sequence[np.ndarray]) -> list[LineReading]:
        """The text of each crop (one line of text each), with per-character alternatives.

        The recogniser reads a glyph standing alone poorly (a lone ``/`` comes out as ``1`` with full
        confidence), but well among others: crops of about one glyph (the numbers of most table cells)
        are read ``GLYPHS_PER_LINE`` at a time, set side by side with a gap, and the line's words are
        their readings. A line whose words do not match its glyphs is read again glyph by glyph, each
        between two drawn zeros.
        """
        out: list[LineReading] = [LineReading() for _ in crops]
        lone = [i for i, c in enumerate(crops) if c.shape[1] < LONE * c.shape[0]]
        lone_set = set(lone)
        rest = [i for i in range(len(crops)) if i not in lone_set]
        groups = [lone[k : k + GLYPHS_PER_LINE] for k in range(0, len(lone), GLYPHS_PER_LINE)]
        readings = self._recognize(
            [_padded(crops[i]) for i in rest] + [_side_by_side([crops[i] for i in g]) for g in groups]
        )
        for i, r in zip(rest, readings):
            out[i] = r
        again: list[int] = []
        for g, r in zip(groups, readings[len(rest) :]):
            words = _words(r)
            if len(words) == len(g):
                for i, w in zip(g, words):
                    out[i] = w
            else:
                again += g
        if again:
            framed = self._recognize([_between_zeros(crops[i]) for i in again])
            for i, r in zip(again, framed):
                middle = _middle(r)
                out[i] = middle if middle is not None else self._recognize([_padded(crops[i])])[0]
        return out

    def reread(self, crops: Sequence[np.ndarray]) -> list[LineReading]:
        """A second reading of each crop, made differently from ``recognize``'s: each crop read on its
        own with a wider margin, a crop of about one glyph between two drawn zeros. For doubtful cells
        only (see ``ogi.extractors.ocr.page``): two readings that disagree mean the cell is unsure."""
        out: list[LineReading] = [LineReading() for _ in crops]
        lone = [i for i, c in enumerate(crops) if c.shape[1] < LONE * c.shape[0]]
        lone_set = set(lone)
        rest = [i for i in range(len(crops)) if i not in lone_set]
        readings = self._recognize(
            [_padded(crops[i], 0.6) for i in rest] + [_between_zeros(crops[i]) for i in lone]
        )
        for i, r in zip(rest, readings):
            out[i] = r
        for i, r in zip(lone, readings[len(rest) :]):
            middle = _middle(r)
            out[i] = middle if middle is not None else LineReading()
        return out

    def _recognize(self, crops: Sequence[np.ndarray]) -> list[LineReading]:
        out: list[LineReading] = [LineReading() for _ in crops]
        ratios = [c.shape[1] / max(1, c.shape[0]) for c in crops]
        order = sorted(range(len(crops)), key=lambda i: ratios[i])
        for start in range(0, len(order), REC_BATCH):
            batch = order[start : start + REC_BATCH]
            width = max(16, math.ceil(REC_HEIGHT * max(ratios[i] for i in batch)))
            tensor = np.stack([_normalise(_rgb(crops[i]), width) for i in batch])
            with self._lock:
                probs = self._rec.run(None, {self._input: tensor})[0]
            for i, p in zip(batch, probs):
                out[i] = self._decode(np.asarray(p, dtype=np.float32))
        return out

    def _decode(self, probs: np.ndarray) -> LineReading:
        """Greedy CTC decoding that keeps, for each character, the runner-up readings of its frames."""
        best = probs.argmax(axis=1)
        reading = LineReading()
        t = 0
        n = len(best)
        while t < n:
            k = int(best[t])
            end = t
            while end + 1 < n and best[end + 1] == k:
                end += 1
            frames = probs[t : end + 1]
            if k == 0:
                # A blank stretch: a character the model nearly read here is an insertion alternative.
                alts = _runners_up(frames, exclude=0, classes=self._classes)
                if alts and reading.chars:
                    reading.insertions[len(reading.chars)] = alts
            else:
                peak = int(frames[:, k].argmax())
                prob = float(frames[peak, k])
                alts = _runners_up(frames[peak : peak + 1], exclude=k, classes=self._classes)
                char = self._classes[k]
                digit = None
                if char.isascii() and char.isalpha():
                    d = self._digits[int(frames[peak, self._digits].argmax())]
                    digit = (self._classes[d], float(frames[peak, d]))
                reading.chars.append(CharReading(char, prob, alts, digit))
            t = end + 1
        # Leading and trailing spaces are padding, not text.
        while reading.chars and reading.chars[-1].char == " ":
            reading.chars.pop()
        while reading.chars and reading.chars[0].char == " ":
            reading.chars.pop(0)
            reading.insertions = {i - 1: a for i, a in reading.insertions.items() if i > 0}
        return reading

    def read(self, image: np.ndarray) -> list[TextBox]:
        """Detection and recognition of a whole image (for images without a table grid)."""
        boxes = self.detect(image)
        crops = [crop(image, b) for b in boxes]
        keep = [i for i, c in enumerate(crops) if c.size]
        readings = self.recognize([crops[i] for i in keep])
        return [TextBox(boxes[i], r) for i, r in zip(keep, readings) if r.text.strip()]


def _padded(crop: np.ndarray, margin: float = 0.3) -> np.ndarray:
    """A crop with a margin of paper around it (``margin`` of its height at the sides): the recogniser
    misreads glyphs cropped tight."""
    h = crop.shape[0]
    side = max(4, int(margin * h))
    pad: list[tuple[int, int]] = [(3, 3), (side, side)]
    if crop.ndim == 3:
        pad.append((0, 0))
    return np.pad(crop, pad, constant_values=255)


def _gray(crop: np.ndarray) -> np.ndarray:
    return crop if crop.ndim == 2 else crop.mean(axis=2).astype(np.uint8)


def _side_by_side(crops: Sequence[np.ndarray]) -> np.ndarray:
    """Glyph crops in one line, bottoms aligned, a gap of 0.6 of their height between them."""
    grays = [_gray(c) for c in crops]
    h = max(c.shape[0] for c in grays)
    gap = np.full((h, max(4, int(0.6 * h))), 255, np.uint8)
    parts: list[np.ndarray] = []
    for c in grays:
        if parts:
            parts.append(gap)
        parts.append(np.pad(c, ((h - c.shape[0], 0), (0, 0)), constant_values=255))
    side = max(4, int(0.3 * h))
    return np.pad(np.hstack(parts), ((4, 4), (side, side)), constant_values=255)


def _words(r: LineReading) -> list[LineReading]:
    """A reading split at its spaces."""
    words: list[LineReading] = []
    current: list[CharReading] = []
    for c in r.chars:
        if c.char.isspace():
            if current:
                words.append(LineReading(current))
                current = []
            continue
        current.append(c)
    if current:
        words.append(LineReading(current))
    return words


def _zero(ink_height: int, height: int) -> np.ndarray:
    """A ``0`` drawn with OpenCV's built-in stroke font, ``ink_height`` tall, on paper ``height`` tall."""
    import cv2

    font = cv2.FONT_HERSHEY_SIMPLEX
    thickness = max(1, ink_height // 10)
    scale = cv2.getFontScaleFromHeight(font, max(4, ink_height), thickness)
    (w, h), _base = cv2.getTextSize("0", font, scale, thickness)
    image = np.full((height, w + 4), 255, np.uint8)
    cv2.putText(image, "0", (2, (height + h) // 2), font, scale, 0, thickness, cv2.LINE_AA)
    return image


def _between_zeros(crop: np.ndarray) -> np.ndarray:
    """``crop`` (grey) between two drawn zeros of its ink's height, a little apart."""
    gray = _gray(crop)
    rows = np.nonzero((gray < 128).any(axis=1))[0]
    ink = int(rows[-1] - rows[0] + 1) if len(rows) else gray.shape[0]
    zero = _zero(ink, gray.shape[0])
    gap = np.full((gray.shape[0], max(4, int(0.3 * ink))), 255, np.uint8)
    row = np.hstack([zero, gap, gray, gap, zero])
    return np.pad(row, ((6, 6), (10, 10)), constant_values=255)


def _middle(r: LineReading) -> LineReading | None:
    """What a reading of ``0 X 0`` holds between its zeros (None: the zeros were not read as such)."""
    chars = [c for c in r.chars if not c.char.isspace()]
    if len(chars) < 3 or chars[0].char not in "0Oo" or chars[-1].char not in "0Oo":
        return None
    return LineReading(chars[1:-1])


def _runners_up(frames: np.ndarray, exclude: int, classes: list[str]) -> tuple[tuple[str, float], ...]:
    """Classes other than ``exclude`` that reach ``MIN_ALTERNATIVE`` in any of ``frames``, best first."""
    peak = frames.max(axis=0)
    peak[exclude] = 0.0
    found = np.nonzero(peak >= MIN_ALTERNATIVE)[0]
    top = sorted(found.tolist(), key=lambda c: -peak[c])[:4]
    return tuple((classes[c], round(float(peak[c]), 4)) for c in top)


def _rgb(image: np.ndarray) -> np.ndarray:
    if image.ndim == 2:
        return np.repeat(image[:, :, None], 3, axis=2)
    if image.shape[2] == 4:
        return np.ascontiguousarray(image[:, :, :3])
    return image


def _normalise(image: np.ndarray, width: int) -> np.ndarray:
    """A crop as the recogniser's input: height 48, aspect kept, padded on the right to ``width``."""
    import cv2

    h, w = image.shape[:2]
    resized_w = min(width, max(1, math.ceil(REC_HEIGHT * w / max(1, h))))
    resized = cv2.resize(image, (resized_w, REC_HEIGHT)).astype(np.float32)
    resized = resized.transpose((2, 0, 1)) / 255.0
    resized = (resized - 0.5) / 0.5
    out = np.zeros((3, REC_HEIGHT, width), dtype=np.float32)
    out[:, :, :resized_w] = resized
    return out


def crop(image: np.ndarray, bbox: Sequence[float], pad: int = 0) -> np.ndarray:
    """The pixels of ``bbox`` (x0, top, x1, bottom), clipped to the image."""
    h, w = image.shape[:2]
    x0 = max(0, math.floor(bbox[0]) - pad)
    y0 = max(0, math.floor(bbox[1]) - pad)
    x1 = min(w, math.ceil(bbox[2]) + pad)
    y1 = min(h, math.ceil(bbox[3]) + pad)
    if x1 <= x0 or y1 <= y0:
        return image[0:0, 0:0]
    return image[y0:y1, x0:x1]


_ENGINE: Engine | None = None
_ENGINE_LOCK = threading.Lock()


def engine() -> Engine:
    """The process's engine, created on first use (loading the models takes about a second)."""
    global _ENGINE
    if not available():
        raise RuntimeError(MISSING)
    with _ENGINE_LOCK:
        if _ENGINE is None:
            _ENGINE = Engine()
        return _ENGINE
