-- Drift detection (issue 15): per-project schedules as timer rows with due times, the last check's state per
-- project, and one row per drift check (its run). Existing rows are untouched; nothing is scheduled until a
-- repository's default-branch configuration (or TerraFlow__Drift__DefaultSchedule) asks for it.

-- Per repository: when its default branch's drift configuration is read next, and what that reading found.
create table drift_repositories (
    repository_id     bigint      primary key references repositories (id),
    config_due_at     timestamptz not null default now(),
    config_checked_at timestamptz,
    config_commit     text,
    -- The default branch's .terraflow.yml error (file:line:column: message); null when it read cleanly.
    config_error      text
);
create index drift_repositories_due on drift_repositories (config_due_at);

-- Per project: the effective schedule and the timer. A due row is claimed FOR UPDATE SKIP LOCKED and advanced in the
-- transaction that starts its check, so however many hosts poll, each due time starts one check.
create table drift_schedules (
    project_id     bigint      primary key references projects (id),
    repository_id  bigint      not null references repositories (id),
    schedule       text,                       -- cron; null = drift detection off for the project
    time_zone      text,
    window_seconds int         not null default 900,
    offset_seconds int         not null default 0,
    remediation    text        not null default 'none' check (remediation in ('none', 'pull_request')),
    next_tick_at   timestamptz,                -- the schedule's occurrence the next check belongs to
    due_at         timestamptz,                -- next_tick_at + offset_seconds; null when off
    updated_at     timestamptz not null default now()
);
create index drift_schedules_due on drift_schedules (due_at) where due_at is not null;

-- Per project: where it stood after its last finished check.
create table drift_states (
    project_id        bigint      primary key references projects (id),
    state             text        not null check (state in ('never', 'clean', 'drifted', 'failed')),
    first_detected_at timestamptz,
    last_checked_at   timestamptz,
    last_run_id       bigint      references runs (id),
    commit_sha        text,
    failure           text,
    lock_holder       text,
    counts            jsonb
);

-- One row per drift check (config-only checks have no project). finished_at is set once, by the transaction that
-- records the result: a result delivered twice finds it set and changes nothing.
create table drift_checks (
    run_id        bigint      primary key references runs (id),
    repository_id bigint      not null references repositories (id),
    project_id    bigint      references projects (id),
    trigger_kind  text        not null check (trigger_kind in ('schedule', 'manual')),
    due_at        timestamptz,
    started_at    timestamptz not null default now(),
    finished_at   timestamptz,
    state         text
);
create index drift_checks_by_project on drift_checks (project_id, run_id desc);
