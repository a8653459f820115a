-- TerraFlow schema, version 1. Every workflow step writes its state, its job/outbox rows and an audit event
-- in one transaction; these tables are that unit.

create table installations (
    provider        text        not null,
    installation_id bigint      not null,
    account         text        not null,
    last_action     text        not null,
    updated_at      timestamptz not null default now(),
    primary key (provider, installation_id)
);

-- One row per webhook delivery: the dedupe key. Inserted in the same transaction as what the delivery caused.
create table webhook_deliveries (
    provider    text        not null,
    delivery_id text        not null,
    event       text        not null,
    action      text,
    outcome     text        not null,
    run_id      bigint,
    received_at timestamptz not null default now(),
    primary key (provider, delivery_id)
);

create table runs (
    id                 bigserial   primary key,
    provider           text        not null,
    repo_owner         text        not null,
    repo_name          text        not null,
    installation_id    bigint,
    pr_number          int         not null,
    head_sha           text        not null,
    base_sha           text        not null,
    clone_url          text        not null,
    status             text        not null,
    requested_project  text,
    explicit           boolean     not null default false,
    config_error       jsonb,
    failure_message    text,
    superseded_by_sha  text,
    comment_ids        bigint[]    not null default '{}',
    operation_id       text        not null,
    created_at         timestamptz not null default now(),
    updated_at         timestamptz not null default now()
);
create index runs_by_pull_request on runs (provider, repo_owner, repo_name, pr_number, id desc);

create table project_runs (
    run_id           bigint      not null references runs (id),
    name             text        not null,
    position         int         not null,
    definition       jsonb       not null,
    status           text        not null,
    plan_summary     jsonb,
    plan_sha256      text,
    artifacts        jsonb,
    error            text,
    updated_at       timestamptz not null default now(),
    primary key (run_id, name)
);

-- The PostgreSQL job queue: claimed with FOR UPDATE SKIP LOCKED; a lease with expiry and a fencing token.
create table jobs (
    id               bigserial   primary key,
    run_id           bigint      not null references runs (id),
    kind             text        not null,
    project_name     text,
    spec             jsonb       not null,
    status           text        not null default 'queued',  -- queued | leased | succeeded | failed | cancelled
    attempts         int         not null default 0,
    max_attempts     int         not null default 3,
    lease_owner      text,
    lease_token      bigint,
    lease_expires_at timestamptz,
    available_at     timestamptz not null default now(),
    created_at       timestamptz not null default now(),
    finished_at      timestamptz
);
create index jobs_ready on jobs (available_at, id) where status = 'queued';
create index jobs_leased on jobs (lease_expires_at) where status = 'leased';
create index jobs_by_run on jobs (run_id);
create sequence job_lease_tokens;

-- The engine's inbox: job results and comment commands, processed in order, each in its own transaction.
create table workflow_inbox (
    id            bigserial   primary key,
    run_id        bigint,
    kind          text        not null,
    payload       jsonb       not null,
    attempts      int         not null default 0,
    available_at  timestamptz not null default now(),
    last_error    text,
    created_at    timestamptz not null default now(),
    processed_at  timestamptz
);
create index workflow_inbox_pending on workflow_inbox (available_at, id) where processed_at is null;

-- Side effects on the VCS host, written with the state change that asked for them, dispatched with retries.
create table outbox (
    id              bigserial   primary key,
    run_id          bigint,
    kind            text        not null,
    payload         jsonb       not null,
    status          text        not null default 'pending',  -- pending | done | failed
    attempts        int         not null default 0,
    next_attempt_at timestamptz not null default now(),
    last_error      text,
    created_at      timestamptz not null default now(),
    done_at         timestamptz
);
create index outbox_pending on outbox (next_attempt_at, id) where status = 'pending';
-- Comment syncs coalesce the run's other pending syncs; without this each sync would scan the whole outbox.
create index outbox_pending_by_run on outbox (run_id) where status = 'pending';

create table audit_events (
    id          bigserial   primary key,
    run_id      bigint,
    at          timestamptz not null default now(),
    actor       text        not null,
    action      text        not null,
    detail      text        not null,
    delivery_id text
);
create index audit_events_by_run on audit_events (run_id, id);
