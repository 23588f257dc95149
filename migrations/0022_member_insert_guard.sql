-- Admins cannot make owners by inserting a membership either: the rule of 0021 (checked on update and
-- delete of tenant_members) now also covers new memberships added through a request.

create function app_private.guard_new_tenant_members() returns trigger
  language plpgsql security definer
  set search_path = ''
  as $$
    begin
      if new.role = 'owner' and new.tenant_id = app_private.current_tenant_id()
         and app_private.current_tenant_role() = 'admin' then
        raise exception 'admins cannot make owners' using errcode = '42501';
      end if;
      return new;
    end
  $$;

revoke all on function app_private.guard_new_tenant_members() from public;

create trigger tenant_members_guard_insert before insert on public.tenant_members
  for each row execute function app_private.guard_new_tenant_members();
