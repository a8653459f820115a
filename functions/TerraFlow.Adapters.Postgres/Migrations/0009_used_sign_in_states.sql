-- OAuth sign-in states already used at the callback. The state cookie is signed and cleared by the browser, but a
-- copy of it (with a fresh code) must not start a second session: each state completes at most once, on the server.
-- Keyed by the SHA-256 of the state value; rows are kept until the state would have expired anyway, then pruned.
create table used_sign_in_states (
    state_hash bytea primary key,
    expires_at timestamptz not null,
    used_at timestamptz not null default now()
);
create index used_sign_in_states_expires_at on used_sign_in_states (expires_at);
