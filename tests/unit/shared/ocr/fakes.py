"""Test doubles for the OCR engine."""

from __future__ import annotations

from PIL.Image import Image

from docflow.ocr.layout import Fragment


class RecordingEngine:
    """An engine that returns fixed fragments and records the images it was given."""

    def __init__(self, fragments: list[Fragment] | None = None, languages: str = "eng") -> None:
        self.fragments = fragments or []
        self.images: list[Image] = []
        self.calls: list[tuple[str | None, float]] = []
        self._languages = languages

    @property
    def languages(self) -> str:
        return self._languages

    def recognize(self, image: Image, *, languages: str | None, timeout_seconds: float) -> list[Fragment]:
        self.images.append(image)
        self.calls.append((languages, timeout_seconds))
        return list(self.fragments)


class ModalRecordingEngine(RecordingEngine):
    """A recording engine that also reads with another page segmentation mode, and records the mode."""

    def __init__(self, fragments: list[Fragment] | None = None) -> None:
        super().__init__(fragments)
        self.modes: list[int] = []

    def recognize_as(
        self, image: Image, *, psm: int, languages: str | None, timeout_seconds: float
    ) -> list[Fragment]:
        self.modes.append(psm)
        return self.recognize(image, languages=languages, timeout_seconds=timeout_seconds)
