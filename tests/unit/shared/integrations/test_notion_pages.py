"""Notion's limits in the page DocFlow builds: 2 000 characters per rich text, 100 rich texts per
property, 100 blocks per request; the tenant's mapping decides the properties."""

from __future__ import annotations

from docflow.integrations import notion


def test_given_long_text_when_chunked_then_pieces_of_at_most_2000_characters_in_order() -> None:
    text = "ä" * 4001
    pieces = list(notion.chunks(text))
    assert [len(p) for p in pieces] == [2000, 2000, 1]
    assert "".join(pieces) == text


def test_given_huge_text_when_a_rich_text_then_at_most_100_items() -> None:
    items = notion.rich_text("x" * (2000 * 150))
    assert len(items) == 100
    assert all(len(i["text"]["content"]) == 2000 for i in items)


def test_given_250_blocks_when_batched_then_requests_of_100() -> None:
    blocks = notion.paragraphs("y" * (2000 * 250))
    assert [len(b) for b in notion.block_batches(blocks)] == [100, 100, 50]
    assert notion.block_batches([]) == []


def test_given_a_mapping_when_properties_are_built_then_only_mapped_fields_by_their_types() -> None:
    record = {"name": "Oy Ab", "id": "c-1", "email": "a@b.fi", "tags": ["x", "y"], "city": None, "phone": ""}
    props = notion.properties(
        record,
        {
            "name": "Nimi",
            "id": "DocFlow ID",
            "email": "Sähköposti",
            "tags": "Tagit",
            "city": "Kaupunki",
            "phone": "Puhelin",
        },
    )
    assert props == {
        "Nimi": {"title": [{"type": "text", "text": {"content": "Oy Ab"}}]},
        "DocFlow ID": {"rich_text": [{"type": "text", "text": {"content": "c-1"}}]},
        "Sähköposti": {"email": "a@b.fi"},
        "Tagit": {"multi_select": [{"name": "x"}, {"name": "y"}]},
        "Kaupunki": {"rich_text": []},
        "Puhelin": {"phone_number": None},
    }
    assert notion.properties(record, {"name": ""}) == {}
