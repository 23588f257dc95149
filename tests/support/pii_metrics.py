"""Span-level recall and precision of the scrubber on the generated corpora."""

from __future__ import annotations

from dataclasses import dataclass

from docflow.pii import find_entities, scrub_text
from tests.support.pii_corpus import Sample


@dataclass(frozen=True)
class KindScore:
    """Recall: placed entities fully covered by detections of their kind. False positives: detections
    outside every placed entity."""

    samples: int
    found: int
    false_positives: int
    detections: int

    @property
    def recall(self) -> float:
        return self.found / self.samples

    @property
    def precision(self) -> float:
        return 1.0 if not self.detections else 1 - self.false_positives / self.detections


def covered(sample: Sample) -> bool:
    entities = find_entities(sample.text)
    for kind, start, end in sample.spans:
        positions: set[int] = set()
        for entity in entities:
            if entity.kind == kind:
                positions.update(range(max(start, entity.start), min(end, entity.end)))
        if len(positions) != end - start:
            return False
    return True


def score(samples: list[Sample]) -> KindScore:
    found = false_positives = detections = 0
    for sample in samples:
        found += covered(sample)
        for entity in find_entities(sample.text):
            detections += 1
            if not any(entity.start < end and entity.end > start for _, start, end in sample.spans):
                false_positives += 1
    return KindScore(len(samples), found, false_positives, detections)


def unchanged_share(texts: list[str]) -> float:
    """Share of negative texts the scrubber leaves exactly as they were."""
    return sum(scrub_text(text) == text for text in texts) / len(texts)
