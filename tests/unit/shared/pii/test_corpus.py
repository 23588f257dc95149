"""Recall and precision on the generated corpora (the thresholds of the PII design goals)."""

from __future__ import annotations

import pytest

from docflow.pii import scrub_text
from tests.support.pii_corpus import negative_corpus, positive_corpus
from tests.support.pii_metrics import score, unchanged_share

POSITIVES = positive_corpus(per_kind=300)
NEGATIVES = negative_corpus(per_family=150)

#: Kinds validated by checksum or prefix must all be found; emails and phones by shape alone.
MIN_RECALL = {"HETU": 1.0, "IBAN": 1.0, "CARD": 1.0, "JWT": 1.0, "SECRET": 1.0, "EMAIL": 0.98, "PHONE": 0.98}


def test_given_corpora_when_built_then_deterministic_and_sized() -> None:
    assert positive_corpus(per_kind=300) == POSITIVES
    assert sorted(POSITIVES) == sorted(MIN_RECALL)
    assert all(len(samples) == 300 for samples in POSITIVES.values())
    assert sum(len(texts) for texts in NEGATIVES.values()) >= 2000


@pytest.mark.parametrize("kind", sorted(MIN_RECALL))
def test_given_positive_corpus_when_scanned_then_recall_meets_goal(kind: str) -> None:
    result = score(POSITIVES[kind])
    assert result.recall >= MIN_RECALL[kind], result


@pytest.mark.parametrize("kind", sorted(MIN_RECALL))
def test_given_positive_corpus_when_scanned_then_context_is_not_scrubbed(kind: str) -> None:
    """Amounts, dates and Y-tunnus around the entities (receipts, logs) survive: precision >= 0.95."""
    assert score(POSITIVES[kind]).precision >= 0.95


@pytest.mark.parametrize("family", sorted(NEGATIVES))
def test_given_negative_family_when_scrubbed_then_texts_unchanged(family: str) -> None:
    assert unchanged_share(NEGATIVES[family]) >= 0.95, [
        (text, scrub_text(text)) for text in NEGATIVES[family] if scrub_text(text) != text
    ][:5]


def test_given_whole_negative_corpus_when_scrubbed_then_precision_at_least_99_percent() -> None:
    texts = [text for family in NEGATIVES.values() for text in family]
    assert unchanged_share(texts) >= 0.99


def test_given_positive_samples_when_scrubbed_then_no_value_survives() -> None:
    leaks: list[str] = []
    for samples in POSITIVES.values():
        for sample in samples:
            scrubbed = scrub_text(sample.text)
            leaks.extend(
                sample.text[start:end] for _, start, end in sample.spans if sample.text[start:end] in scrubbed
            )
    assert leaks == []
