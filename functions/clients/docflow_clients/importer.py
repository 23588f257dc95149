"""CSV import of clients: every row validated like ``POST /api/v1/clients``, duplicates found in the
file and in the tenant, then either a report (dry run) or every row written in one transaction.

A real run with any invalid row writes nothing and answers 422 with the same report, so a file is
never half imported.
"""

from __future__ import annotations

from pydantic import ValidationError

from docflow import audit
from docflow.clients import ClientCreate, insert_clients
from docflow.errors import Unprocessable
from docflow.http.deps import TenantContext
from docflow_clients import csv_io, store
from docflow_clients.schemas import ImportReport, ImportRowError

MAX_REPORTED_ERRORS = 200


def _row_errors(line: int, exc: ValidationError) -> list[ImportRowError]:
    errors = []
    for error in exc.errors(include_input=False, include_url=False):
        loc = [str(part) for part in error.get("loc", ()) if not isinstance(part, int)]
        message = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
        errors.append(ImportRowError(line=line, field=loc[0] if loc else None, message=message))
    return errors


def validate_file(
    tenant: TenantContext, parsed: csv_io.ParsedFile
) -> tuple[list[ClientCreate], list[ImportRowError]]:
    """The valid clients of a file and the errors of the others."""
    valid: list[tuple[int, ClientCreate]] = []
    errors: list[ImportRowError] = []
    seen: dict[str, int] = {}
    for line, values in parsed.rows:
        try:
            client = ClientCreate.model_validate(csv_io.row_to_client(values))
        except ValidationError as exc:
            errors.extend(_row_errors(line, exc))
            continue
        if client.business_id and client.business_id in seen:
            message = f"the same business ID is on line {seen[client.business_id]}"
            errors.append(ImportRowError(line=line, field="business_id", message=message))
            continue
        if client.business_id:
            seen[client.business_id] = line
        valid.append((line, client))
    taken = store.existing_business_ids(tenant, [c.business_id for _, c in valid if c.business_id])
    accepted = []
    for line, client in valid:
        if client.business_id in taken:
            message = "a client with this business ID already exists (it may be archived)"
            errors.append(ImportRowError(line=line, field="business_id", message=message))
        else:
            accepted.append(client)
    errors.sort(key=lambda error: error.line)
    return accepted, errors


def run_import(tenant: TenantContext, data: bytes, *, dry_run: bool, max_rows: int) -> ImportReport:
    """Validate a file and, unless ``dry_run``, write all of it (or, with any error, nothing: 422)."""
    parsed = csv_io.parse_import(data, max_rows=max_rows)
    accepted, errors = validate_file(tenant, parsed)
    invalid_lines = {error.line for error in errors}
    report = ImportReport(
        dry_run=dry_run,
        delimiter=parsed.delimiter,
        rows=len(parsed.rows),
        valid_rows=len(parsed.rows) - len(invalid_lines),
        invalid_rows=len(invalid_lines),
        created=0,
        ignored_columns=parsed.ignored_columns,
        errors=errors[:MAX_REPORTED_ERRORS],
        errors_truncated=len(errors) > MAX_REPORTED_ERRORS,
    )
    if dry_run:
        return report
    if errors:
        raise Unprocessable(
            "Some rows are invalid; nothing was imported. Fix them and import the file again",
            extra={"report": report.model_dump(mode="json")},
        )
    if not accepted:
        raise Unprocessable("The file has no rows to import")
    insert_clients(tenant.conn, tenant.tenant_id, accepted)
    audit.record_tenant_action(
        tenant,
        action="clients.imported",
        target_type="tenant",
        target_id=tenant.tenant_id,
        details={"created": len(accepted)},
    )
    return report.model_copy(update={"created": len(accepted)})
