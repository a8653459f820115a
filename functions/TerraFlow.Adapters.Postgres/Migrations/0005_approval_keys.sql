-- Secrets TerraFlow generates for itself, e.g. the key that signs approval links and approver sessions when
-- TerraFlow__Approvals__SigningKey is not configured. Generated once: every host inserts a candidate with
-- "on conflict do nothing" and then reads the row, so concurrently starting hosts all end up with the same value.
create table service_secrets (
    name text primary key,
    value bytea not null,
    created_at timestamptz not null default now()
);
