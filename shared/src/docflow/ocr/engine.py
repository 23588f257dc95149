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
from docflow.ocr.models import BBox

if TYPE_CHECKING:
    from PIL.Image import Image

#: Preferred languages in priority order: Finnish first, then English. Finnish data reads Swedish
#: letters too; each added language costs time on every weak word, so Swedish is opt-in through
#: ``OCR_LANGUAGES`` (on the SROIE dev receipts fin+eng takes 0.56 s per receipt, fin+swe+eng 1.08 s).
PREFERRED_LANGUAGES: tuple[str, ...] = ("fin", "eng")
#: Environment variable naming the languages to use instead (Tesseract syntax, e.g. ``fin+swe+eng``).
LANGUAGES_VARIABLE = "OCR_LANGUAGES"
#: Tesseract settings for every run. Tesseract 5 re-reads weak lines as inverted (light on dark)
#: text; receipts are dark on light, and skipping that pass saves about a tenth of the time with
#: the same text on the SROIE receipts.
TESSERACT_VARIABLES: dict[str, str] = {"tessedit_do_invert": "0"}
#: Tesseract's page segmentation mode: 6, one uniform block of text, which a receipt is. With 4 (one
#: column of text of varying sizes) Tesseract's layout analysis took a right-aligned amount column, a
#: shadowed paper edge or table grain beside it for a picture and dropped whole amounts; on the receipt
#: benchmark 6 read more totals and VAT rows (held-out families: total 68 -> 72 %, VAT rows 55 -> 63 %)
#: and fewer merchants (50 -> 47 %), whose large letters a uniform block fits less well (header rows it
#: leaves out are read again on their own, see :mod:`docflow.ocr.gaps`).
DEFAULT_PSM = 6
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


@runtime_checkable
class ModalEngine(OcrEngine, Protocol):
    """An engine that can also read an image with another page segmentation mode than its own."""

    def recognize_as(
        self, image: Image, *, psm: int, languages: str | None, timeout_seconds: float
    ) -> list[Fragment]:
        """As :meth:`OcrEngine.recognize`, with Tesseract's page segmentation mode ``psm``."""
        ...


def recognize_in_mode(
    engine: OcrEngine, image: Image, *, psm: int, languages: str, timeout_seconds: float
) -> list[Fragment]:
    """``image`` read with the page segmentation mode ``psm`` where ``engine`` offers modes
    (:class:`ModalEngine`), else in the engine's own mode."""
    if isinstance(engine, ModalEngine):
        return engine.recognize_as(image, psm=psm, languages=languages, timeout_seconds=timeout_seconds)
    return engine.recognize(image, languages=languages, timeout_seconds=timeout_seconds)


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


def preferred_languages(installed: frozenset[str]) -> str:
    """``OCR_LANGUAGES`` when set, else ``fin+eng`` or the subset of it in ``installed`` (``eng`` if none).

    A malformed or not installed ``OCR_LANGUAGES`` raises, so a misconfigured deployment fails on
    its first page rather than reading with other languages than intended.
    """
    configured = os.environ.get(LANGUAGES_VARIABLE, "").strip()
    if configured:
        try:
            check_languages(configured, installed)
        except ValueError:
            raise OcrUnavailableError(f"{LANGUAGES_VARIABLE} must look like 'fin+eng'") from None
        return configured
    return "+".join(lang for lang in PREFERRED_LANGUAGES if lang in installed) or "eng"


def default_languages() -> str:
    """The preferred languages the Tesseract binary has data for (see :func:`preferred_languages`)."""
    return preferred_languages(installed_languages())


def check_languages(languages: str, installed: frozenset[str] | None = None) -> None:
    """Raise ``ValueError`` for a malformed language string, OcrUnavailableError for missing data."""
    if not _LANGUAGES.match(languages):
        raise ValueError("languages must look like 'fin+eng'")
    if installed is not None and not set(languages.split("+")) <= installed:
        raise OcrUnavailableError("An OCR language is not installed")


_TSV_COLUMNS = ("level", "page_num", "block_num", "par_num", "line_num", "word_num")
_TSV_BOX = ("left", "top", "width", "height")


def parse_tsv(tsv: str) -> dict[str, list[Any]]:
    """Tesseract's TSV output (with or without its header row) in pytesseract's dict form."""
    keys = (*_TSV_COLUMNS, *_TSV_BOX, "conf", "text")
    data: dict[str, list[Any]] = {key: [] for key in keys}
    for row in tsv.splitlines():
        cells = row.split("\t")
        if len(cells) < len(keys) - 1 or cells[0] == "level":
            continue
        cells += [""] * (len(keys) - len(cells))
        for key, cell in zip(keys, cells[: len(keys)], strict=True):
            data[key].append(cell)
    return data


#: A word at either end of a line is taken for speckle (table grain, a shadow's edge, the paper's
#: border) when Tesseract is less sure of it than this, ...
NOISE_CONFIDENCE = 0.6
#: ... it holds at most this many characters or none that is a letter or digit, ...
NOISE_LENGTH = 2
#: ... and a gap wider than this many line heights separates it from the rest of the line.
NOISE_GAP = 1.5

_Word = tuple[str, float, BBox]


def _is_noise(word: _Word, neighbour: _Word, line_height: int) -> bool:
    text, confidence, (x0, _, x1, _) = word
    gap = max(neighbour[2][0] - x1, x0 - neighbour[2][2])
    shapeless = len(text) <= NOISE_LENGTH or not any(char.isalnum() for char in text)
    return confidence < NOISE_CONFIDENCE and shapeless and gap > NOISE_GAP * line_height


def trim_edge_noise(words: list[_Word]) -> list[_Word]:
    """``words`` of one line (left to right) without speckle read as words at either end."""
    if len(words) < 2:
        return words
    heights = sorted(box[3] - box[1] for _, _, box in words)
    line_height = max(1, heights[len(heights) // 2])
    start, stop = 0, len(words)
    while stop - start > 1 and _is_noise(words[start], words[start + 1], line_height):
        start += 1
    while stop - start > 1 and _is_noise(words[stop - 1], words[stop - 2], line_height):
        stop -= 1
    return words[start:stop]


def fragments_from_data(data: dict[str, list[Any]]) -> list[Fragment]:
    """One fragment per Tesseract line from ``image_to_data`` output (dict form), without the
    speckle Tesseract reads as words at a line's ends (see :func:`trim_edge_noise`)."""
    words: dict[tuple[int, int, int, int], list[int]] = defaultdict(list)
    for row, level in enumerate(data["level"]):
        if int(level) == 5 and str(data["text"][row]).strip():
            key = (int(data["page_num"][row]), int(data["block_num"][row]), int(data["par_num"][row]))
            words[(*key, int(data["line_num"][row]))].append(row)
    fragments = []
    for rows in words.values():
        line = [
            (
                str(data["text"][row]).strip(),
                max(0.0, float(data["conf"][row])) / 100,
                (
                    int(data["left"][row]),
                    int(data["top"][row]),
                    int(data["left"][row]) + int(data["width"][row]),
                    int(data["top"][row]) + int(data["height"][row]),
                ),
            )
            for row in sorted(rows, key=lambda row: int(data["left"][row]))
        ]
        kept = trim_edge_noise(line)
        text = " ".join(word[0] for word in kept)
        confidence = sum(word[1] for word in kept) / len(kept)
        fragments.append(Fragment(text, confidence, union_bbox(word[2] for word in kept)))
    return fragments


class TesseractEngine:
    """Tesseract through pytesseract; ``psm`` is Tesseract's page segmentation mode."""

    def __init__(
        self, *, psm: int = DEFAULT_PSM, languages: str | None = None, extra_config: str = ""
    ) -> None:
        if languages is not None:
            check_languages(languages)
        self.psm = psm
        self._languages = languages
        self.extra_config = extra_config

    @property
    def languages(self) -> str:
        if self._languages is None:
            self._languages = default_languages()
        return self._languages

    def recognize(self, image: Image, *, languages: str | None, timeout_seconds: float) -> list[Fragment]:
        return self.recognize_as(image, psm=self.psm, languages=languages, timeout_seconds=timeout_seconds)

    def recognize_as(
        self, image: Image, *, psm: int, languages: str | None, timeout_seconds: float
    ) -> list[Fragment]:
        """As :meth:`recognize`, with the page segmentation mode ``psm``."""
        import pytesseract

        lang = languages or self.languages
        check_languages(lang, installed_languages())
        os.environ["OMP_THREAD_LIMIT"] = "1"
        variables = " ".join(f"-c {name}={value}" for name, value in TESSERACT_VARIABLES.items())
        config = f"--psm {psm} {variables} {self.extra_config}".strip()
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
