-- Who may make TerraFlow run a pull request's code (issue 9).
-- untrusted: the run was planned without credentials (ForkPlans=restricted); its plans are never applied.
-- planned_at: when planning ended, so an approval comment binds to the plan that was posted when it was written.
alter table runs add column untrusted boolean not null default false;
alter table runs add column planned_at timestamptz;

-- A maintainer's `terraflow plan` on a pull request TerraFlow does not trust authorizes exactly one head commit.
create table plan_authorizations (
    provider      text        not null,
    repo_owner    text        not null,
    repo_name     text        not null,
    pr_number     int         not null,
    head_sha      text        not null,
    authorized_by text        not null,
    delivery_id   text        not null,
    authorized_at timestamptz not null default now(),
    primary key (provider, repo_owner, repo_name, pr_number, head_sha)
);

-- Comments and reviews are de-duplicated by the VCS host's own id too: an old comment replayed under a new delivery
-- id does nothing.
create table vcs_commands_seen (
    provider    text        not null,
    repo_owner  text        not null,
    repo_name   text        not null,
    kind        text        not null,  -- comment | review
    vcs_id      bigint      not null,
    delivery_id text        not null,
    received_at timestamptz not null default now(),
    primary key (provider, repo_owner, repo_name, kind, vcs_id)
);
