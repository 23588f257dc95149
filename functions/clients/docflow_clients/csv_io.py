"""CSV files of clients: reading imports (``,`` or the Finnish ``;`` dialect, with or without a BOM,
UTF-8 or Windows-1252) and writing exports (``csv``: comma, UTF-8; ``csv-fi``: semicolon, UTF-8 with
BOM for Excel). Header names are matched in English, Finnish and Swedish."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from docflow import spreadsheet
from docflow.errors import PayloadTooLarge, Unprocessable

ExportFormat = Literal["csv", "csv-fi"]

#: Header spellings (lower case, without spaces, hyphens and underscores) -> client field.
HEADER_ALIASES: Mapping[str, str] = {
    **dict.fromkeys(("name", "nimi", "namn", "company", "yritys", "asiakas"), "name"),
    **dict.fromkeys(("kind", "type", "tyyppi", "laji", "typ"), "kind"),
    **dict.fromkeys(("businessid", "ytunnus", "yid", "fonummer", "organisationsnummer"), "business_id"),
    **dict.fromkeys(("vatnumber", "vat", "vatid", "alvnumero", "alvtunniste", "momsnummer"), "vat_number"),
    **dict.fromkeys(("email", "sähköposti", "sahkoposti", "epost"), "email"),
    **dict.fromkeys(("phone", "puhelin", "puhelinnumero", "telefon", "tel"), "phone"),
    **dict.fromkeys(("notes", "muistiinpanot", "lisätiedot", "lisatiedot", "anteckningar"), "notes"),
    **dict.fromkeys(("tags", "tunnisteet", "taggar"), "tags"),
    **dict.fromkeys(
        ("streetaddress", "address", "katuosoite", "osoite", "gatuadress", "adress"), "street_address"
    ),
    **dict.fromkeys(("postalcode", "zip", "postinumero", "postnummer"), "postal_code"),
    **dict.fromkeys(("city", "kaupunki", "postitoimipaikka", "ort", "postort"), "city"),
    **dict.fromkeys(("countrycode", "country", "maa", "maakoodi", "land"), "country_code"),
}
KIND_ALIASES: Mapping[str, str] = {
    **dict.fromkeys(("company", "yritys", "organisaatio", "företag", "yhteisö"), "company"),
    **dict.fromkeys(("person", "henkilö", "yksityishenkilö", "kuluttaja", "privatperson"), "person"),
}

#: Export columns: (field, English header, Finnish header).
EXPORT_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("id", "id", "id"),
    ("kind", "kind", "tyyppi"),
    ("name", "name", "nimi"),
    ("business_id", "business_id", "y-tunnus"),
    ("vat_number", "vat_number", "alv-numero"),
    ("email", "email", "sähköposti"),
    ("phone", "phone", "puhelin"),
    ("street_address", "street_address", "katuosoite"),
    ("postal_code", "postal_code", "postinumero"),
    ("city", "city", "postitoimipaikka"),
    ("country_code", "country_code", "maa"),
    ("tags", "tags", "tunnisteet"),
    ("notes", "notes", "muistiinpanot"),
    ("archived_at", "archived_at", "arkistoitu"),
    ("created_at", "created_at", "luotu"),
)


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """An import file: its delimiter, its data rows (line number, field -> text), unknown columns."""

    delimiter: str
    rows: list[tuple[int, dict[str, str]]]
    ignored_columns: list[str]


def decode(data: bytes) -> str:
    """Text of an uploaded file: UTF-8 (BOM removed), else Windows-1252 as older Excel writes it."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _header_key(header: str) -> str:
    return re.sub(r"[\s_\-.]", "", header.strip().lower())


def parse_import(data: bytes, *, max_rows: int) -> ParsedFile:
    """Split a CSV upload into rows keyed by client field; the header row is required."""
    text = decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise Unprocessable("The file is empty; the first line must name the columns") from None
    except csv.Error:
        raise Unprocessable("The file is not valid CSV") from None
    fields = [HEADER_ALIASES.get(_header_key(name)) for name in header]
    if "name" not in fields:
        raise Unprocessable("The header must have a name column (name / nimi / namn)")
    ignored = [
        name.strip() for name, field in zip(header, fields, strict=True) if field is None and name.strip()
    ]
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) >= max_rows:
                raise PayloadTooLarge(f"An import holds at most {max_rows} rows")
            values = {
                field: cell.strip()
                for field, cell in zip(fields, cells, strict=False)
                if field is not None and cell.strip()
            }
            rows.append((reader.line_num, values))
    except csv.Error:
        raise Unprocessable(f"The file is not valid CSV near line {reader.line_num}") from None
    return ParsedFile(delimiter=delimiter, rows=rows, ignored_columns=ignored)


def row_to_client(values: Mapping[str, str]) -> dict[str, Any]:
    """A CSV row as the fields of ``ClientCreate`` (kind and tags translated)."""
    client: dict[str, Any] = dict(values)
    if "kind" in client:
        client["kind"] = KIND_ALIASES.get(client["kind"].lower(), client["kind"].lower())
    if "tags" in client:
        client["tags"] = [tag for tag in re.split(r"[|,]", client["tags"]) if tag.strip()]
    return client


def write_export(rows: Iterable[Mapping[str, Any]], export_format: ExportFormat) -> bytes:
    """Clients as CSV: ``csv`` (comma, UTF-8, English headers) or ``csv-fi`` (semicolon, BOM, Finnish)."""
    finnish = export_format == "csv-fi"
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";" if finnish else ",", lineterminator="\r\n")
    writer.writerow([fi if finnish else en for _, en, fi in EXPORT_COLUMNS])
    for row in rows:
        writer.writerow(spreadsheet.row(row.get(field) for field, _, _ in EXPORT_COLUMNS))
    text = buffer.getvalue()
    return ("\ufeff" + text).encode("utf-8") if finnish else text.encode("utf-8")
