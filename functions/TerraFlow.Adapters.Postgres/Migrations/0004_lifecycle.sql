-- The pull-request lifecycle: policy results, approvals, applies, locks with a queue, merge.

alter table runs add column merged boolean not null default false;

-- Policy results, approvals, policy override, apply record, lock wait and code owners of a project run
-- (Adapters/Postgres/ProjectLifecycle.cs). One document, written with the project run's status.
alter table project_runs add column lifecycle jsonb;

-- Exactly once: one apply per project run (= per stored plan), inserted in the same transaction that moves the
-- project to applying and queues its job. A second insert fails the whole transaction.
create table applies (
    run_id       bigint      not null references runs (id),
    project      text        not null,
    plan_sha256  text        not null,
    requested_by text        not null,
    requested_at timestamptz not null default now(),
    primary key (run_id, project)
);

-- Project locks (repository + dir + workspace), held by a pull request. Changed only under a transaction-scoped
-- advisory lock per key (RunRepository.LoadAsync), so deciding and writing cannot race.
create table project_locks (
    provider        text        not null,
    repo_owner      text        not null,
    repo_name       text        not null,
    lock_key        text        not null,
    pr_number       int         not null,
    installation_id bigint,
    acquired_at     timestamptz not null default now(),
    primary key (provider, repo_owner, repo_name, lock_key)
);
create index project_locks_by_pull_request on project_locks (provider, repo_owner, repo_name, pr_number);

-- FIFO queues of pull requests waiting for a lock; the head gets the lock when it frees and is re-planned.
create table lock_queue (
    id              bigserial   primary key,
    provider        text        not null,
    repo_owner      text        not null,
    repo_name       text        not null,
    lock_key        text        not null,
    pr_number       int         not null,
    installation_id bigint,
    enqueued_at     timestamptz not null default now(),
    unique (provider, repo_owner, repo_name, lock_key, pr_number)
);

-- Approval links are single-use: the token id is spent in the transaction that records the approval.
create table approval_tokens_used (
    token_id  text        primary key,
    run_id    bigint      not null,
    project   text        not null,
    approver  text        not null,
    used_at   timestamptz not null default now()
);
