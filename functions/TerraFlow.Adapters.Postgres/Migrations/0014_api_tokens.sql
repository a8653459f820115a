-- API tokens for automation (issue 16): an admin creates one, sees it once, and may revoke it. Only the SHA-256 of the
-- token is kept (it is 256 random bits, so a plain hash is enough; no salt or slow hash needed), plus its first
-- characters so lists can tell tokens apart. A token acts as the admin who created it, limited to its scope.
create table api_tokens (
    id bigint generated always as identity primary key,
    name text not null check (length(name) between 1 and 100),
    token_hash bytea not null unique check (length(token_hash) = 32),
    display_prefix text not null,
    scope text not null check (scope in ('read', 'operate')),
    owner_idp text not null,
    owner_login text not null,
    owner_display_name text not null,
    owner_role text not null,
    owner_groups text[] not null default '{}',
    created_at timestamptz not null,
    expires_at timestamptz,
    last_used_at timestamptz,
    revoked_at timestamptz,
    revoked_by text
);
