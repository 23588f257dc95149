"""``/api/v1/notion``: connect a tenant's Notion integration, choose its data source, see the sync."""
