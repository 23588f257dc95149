"""The tenant's clients: companies and people, their contact persons, tags, CSV import and export."""
