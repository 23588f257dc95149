"""Tesseract in-process through tesserocr: models load once per process, not once per page.

Loading ``fin+eng`` costs about half a second of CPU; the command-line engine pays it for every
page, this engine once per warm Lambda. Used by default when the ``tesserocr`` wheel is installed.
"""

from __future__ import annotations

import ctypes
import importlib
import os
import threading
import time
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docflow.ocr.engine import (
    DEFAULT_PSM,
    TESSERACT_VARIABLES,
    check_languages,
    fragments_from_data,
    parse_tsv,
    preferred_languages,
)
from docflow.ocr.errors import OcrTimeoutError, OcrUnavailableError

if TYPE_CHECKING:
    from PIL.Image import Image

    from docflow.ocr.layout import Fragment

#: Where distributions install Tesseract's language data, tried after ``TESSDATA_PREFIX``.
TESSDATA_DIRS: tuple[str, ...] = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
    "/opt/homebrew/share/tessdata",
)


def find_tessdata() -> str | None:
    """The first folder holding ``eng.traineddata``: ``TESSDATA_PREFIX`` first, then the usual places."""
    candidates = [os.environ.get("TESSDATA_PREFIX", ""), *TESSDATA_DIRS]
    for candidate in filter(None, candidates):
        if (Path(candidate) / "eng.traineddata").is_file():
            return candidate.rstrip("/") + "/"
    return None


#: Leptonica's ``L_SEVERITY_NONE``: it prints no messages at all.
LEPTONICA_SILENT = 6


def _loaded_libraries(prefix: str) -> list[str]:
    """Paths of the shared libraries named ``prefix*`` this process has loaded (Linux; else none)."""
    try:
        maps = Path("/proc/self/maps").read_text()
    except OSError:
        return []
    paths = {line.split()[-1] for line in maps.splitlines() if f"/{prefix}" in line}
    return sorted(path for path in paths if path.startswith("/"))


def leptonica_libraries() -> list[str]:
    """Paths of the Leptonica libraries loaded in this process (the wheel's own or the system's)."""
    return _loaded_libraries("libleptonica") + _loaded_libraries("liblept.")


def quiet_leptonica() -> list[str]:
    """Stop Leptonica (Tesseract's image library) printing ``Error in pixScanForForeground: invalid
    box`` and the like on stderr: harmless internal messages that would fill the function's logs.
    Returns the libraries quieted."""
    quieted = []
    for path in leptonica_libraries():
        try:
            ctypes.CDLL(path).setMsgSeverity(LEPTONICA_SILENT)
        except (OSError, AttributeError):
            continue
        quieted.append(path)
    return quieted


def tesserocr_available() -> bool:
    """Whether the tesserocr module imports and Tesseract language data can be found."""
    try:
        _tesserocr()
    except ImportError:
        return False
    return find_tessdata() is not None


def _tesserocr() -> Any:
    """The tesserocr module (imported by name: it ships no type information)."""
    return importlib.import_module("tesserocr")


@lru_cache(maxsize=1)
def _installed(tessdata: str) -> frozenset[str]:
    return frozenset(_tesserocr().get_languages(tessdata)[1])


class TesserocrEngine:
    """Tesseract through tesserocr, one loaded model set per language string, reused across pages."""

    def __init__(
        self, *, psm: int = DEFAULT_PSM, languages: str | None = None, tessdata: str | None = None
    ) -> None:
        if languages is not None:
            check_languages(languages)
        self.psm = psm
        self._languages = languages
        self._tessdata = tessdata
        self._apis: dict[str, Any] = {}
        self._lock = threading.Lock()

    @property
    def tessdata(self) -> str:
        """The language data folder in use."""
        if self._tessdata is None:
            self._tessdata = find_tessdata()
            if self._tessdata is None:
                raise OcrUnavailableError("OCR language data is not installed")
        return self._tessdata

    def installed_languages(self) -> frozenset[str]:
        """Languages with data in :attr:`tessdata`."""
        return _installed(self.tessdata)

    @property
    def languages(self) -> str:
        if self._languages is None:
            self._languages = preferred_languages(self.installed_languages())
        return self._languages

    def _api(self, languages: str) -> Any:
        if languages not in self._apis:
            os.environ["OMP_THREAD_LIMIT"] = "1"
            try:
                api = _tesserocr().PyTessBaseAPI(path=self.tessdata, lang=languages, psm=self.psm)
            except RuntimeError as exc:
                raise OcrUnavailableError("The OCR engine cannot load its language data") from exc
            for name, value in TESSERACT_VARIABLES.items():
                api.SetVariable(name, value)
            if not self._apis:
                quiet_leptonica()
            self._apis[languages] = api
        return self._apis[languages]

    def recognize(self, image: Image, *, languages: str | None, timeout_seconds: float) -> list[Fragment]:
        return self.recognize_as(image, psm=self.psm, languages=languages, timeout_seconds=timeout_seconds)

    def recognize_as(
        self, image: Image, *, psm: int, languages: str | None, timeout_seconds: float
    ) -> list[Fragment]:
        """As :meth:`recognize`, with the page segmentation mode ``psm`` (the loaded models are reused;
        the engine's own mode is set back afterwards)."""
        lang = languages or self.languages
        check_languages(lang, self.installed_languages())
        with self._lock:
            api = self._api(lang)
            started = time.monotonic()
            try:
                if psm != self.psm:
                    api.SetPageSegMode(psm)
                api.SetImage(image)
                recognized = api.Recognize(timeout=max(1, int(timeout_seconds * 1000)))
                tsv = api.GetTSVText(0) if recognized else ""
            finally:
                api.Clear()
                if psm != self.psm:
                    api.SetPageSegMode(self.psm)
        if not recognized:
            if time.monotonic() - started >= timeout_seconds * 0.9:
                raise OcrTimeoutError(f"A page took longer than {timeout_seconds:g} s to read")
            raise OcrUnavailableError("The OCR engine failed")
        return fragments_from_data(parse_tsv(tsv))
