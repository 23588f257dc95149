"""OCR engines: the :class:`OcrEngine` protocol and its Tesseract implementation (pytesseract).

Tesseract runs as a subprocess with ``OMP_THREAD_LIMIT=1`` (its OpenMP threads only slow it down on
small machines) and one ``image_to_data`` call per page, which yields words, boxes and confidences
together.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from docflow.ocr.errors import OcrTimeoutError, OcrUnavailableError
from docflow.ocr.layout import Fragment, union_bbox

if TYPE_CHECKING:
    from PIL.Image import Image

#: Preferred languages in priority order: Finnish receipts first, Swedish, then English.
PREFERRED_LANGUAGES: tuple[str, ...] = ("fin", "swe", "eng")
_LANGUAGES = re.compile(r"^[A-Za-z_]{3,}(\+[A-Za-z_]{3,})*$")


@runtime_checkable
class OcrEngine(Protocol):
    """Recognises text on one page image; boxes are in that image's pixels."""

    @property
    def languages(self) -> str:
        """The language set used when the caller names none (Tesseract syntax, e.g. ``fin+eng``)."""
        ...

    def recognize(self, image: Image, *, languages: str | None, timeout_seconds: float) -> list[Fragment]:
        """Text fragments (one per line the engine found) with confidences 0..1 and pixel boxes."""
        ...


@lru_cache(maxsize=1)
def installed_languages() -> frozenset[str]:
    """Languages the Tesseract binary has data for (asked once per process)."""
    import pytesseract

    try:
        return frozenset(pytesseract.get_languages(config=""))
    except pytesseract.TesseractNotFoundError as exc:
        raise OcrUnavailableError("The OCR engine is not installed") from exc
    except (pytesseract.TesseractError, OSError) as exc:
        raise OcrUnavailableError("The OCR engine cannot list its languages") from exc


def default_languages() -> str:
    """``fin+swe+eng`` or the installed subset of it; ``eng`` when none is installed."""
    installed = installed_languages()
    return "+".join(lang for lang in PREFERRED_LANGUAGES if lang in installed) or "eng"


def fragments_from_data(data: dict[str, list[Any]]) -> list[Fragment]:
    """One fragment per Tesseract line from ``image_to_data`` output (dict form)."""
    words: dict[tuple[int, int, int, int], list[int]] = defaultdict(list)
    for row, level in enumerate(data["level"]):
        if int(level) == 5 and str(data["text"][row]).strip():
            key = (int(data["page_num"][row]), int(data["block_num"][row]), int(data["par_num"][row]))
            words[(*key, int(data["line_num"][row]))].append(row)
    fragments = []
    for rows in words.values():
        text = " ".join(str(data["text"][row]).strip() for row in rows)
        confidences = [max(0.0, float(data["conf"][row])) / 100 for row in rows]
        boxes = [
            (
                int(data["left"][row]),
                int(data["top"][row]),
                int(data["left"][row]) + int(data["width"][row]),
                int(data["top"][row]) + int(data["height"][row]),
            )
            for row in rows
        ]
        fragments.append(Fragment(text, sum(confidences) / len(confidences), union_bbox(boxes)))
    return fragments


class TesseractEngine:
    """Tesseract through pytesseract; ``psm`` is Tesseract's page segmentation mode."""

    def __init__(self, *, psm: int = 4, languages: str | None = None, extra_config: str = "") -> None:
        if languages is not None and not _LANGUAGES.match(languages):
            raise ValueError("languages must look like 'fin+swe+eng'")
        self.psm = psm
        self._languages = languages
        self.extra_config = extra_config

    @property
    def languages(self) -> str:
        if self._languages is None:
            self._languages = default_languages()
        return self._languages

    def recognize(self, image: Image, *, languages: str | None, timeout_seconds: float) -> list[Fragment]:
        import pytesseract

        lang = languages or self.languages
        if not _LANGUAGES.match(lang):
            raise ValueError("languages must look like 'fin+swe+eng'")
        missing = set(lang.split("+")) - installed_languages()
        if missing:
            raise OcrUnavailableError("An OCR language is not installed")
        os.environ["OMP_THREAD_LIMIT"] = "1"
        config = f"--psm {self.psm} {self.extra_config}".strip()
        try:
            data = pytesseract.image_to_data(
                image, lang=lang, config=config, timeout=timeout_seconds, output_type=pytesseract.Output.DICT
            )
        except pytesseract.TesseractNotFoundError as exc:
            raise OcrUnavailableError("The OCR engine is not installed") from exc
        except RuntimeError as exc:
            if "timeout" in str(exc).lower():
                raise OcrTimeoutError(f"A page took longer than {timeout_seconds:g} s to read") from exc
            raise OcrUnavailableError("The OCR engine failed") from exc
        except OSError as exc:
            raise OcrUnavailableError("The OCR engine failed") from exc
        return fragments_from_data(data)


@lru_cache(maxsize=1)
def default_engine() -> TesseractEngine:
    """The process-wide Tesseract engine (a warm Lambda reuses it)."""
    return TesseractEngine()
