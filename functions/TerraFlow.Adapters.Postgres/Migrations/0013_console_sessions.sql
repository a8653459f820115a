-- Web console sessions. The session cookie is signed and carries the user; this table is what lets the server end a
-- session before its cookie expires: sign-out sets signed_out_at, and a copy of the cookie is refused from then on.
-- Keyed by the SHA-256 of the session id (the id is in the cookie only); rows are pruned after they expire.
create table console_sessions (
    session_hash      bytea       primary key,
    identity_provider text        not null,
    login             text        not null,
    created_at        timestamptz not null,
    expires_at        timestamptz not null,
    signed_out_at     timestamptz
);
create index console_sessions_expires_at on console_sessions (expires_at);
