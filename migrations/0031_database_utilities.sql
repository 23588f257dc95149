-- Database utilities: the migration status route reads the applied versions in a named system
-- transaction (service_role). Read-only; clients (`authenticated`, `anon`) still see nothing here.

grant select on app_private.schema_migrations to service_role;
