-- Invitations are mailed by DocFlow (docflow.email) in the invitee's language: the locale of the profile
-- of an address that already has an account, for the invitation job (service_role only: auth.users is
-- not readable by any request role). No row for an address without an account or a profile.
create function app_private.locale_of_address(address text) returns text
  language sql stable security definer
  set search_path = ''
  as $$
    select p.locale from auth.users u join public.profiles p on p.user_id = u.id
     where lower(u.email) = lower(address)
     limit 1
  $$;

revoke all on function app_private.locale_of_address(text) from public;
grant execute on function app_private.locale_of_address(text) to service_role;
