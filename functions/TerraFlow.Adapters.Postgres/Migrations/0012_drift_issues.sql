-- Drift reporting: the VCS issue of each project whose drift TerraFlow reported (GitHub issue number, GitLab iid).
-- A lost row is not a duplicate issue: the reporter finds the issue again by the marker on its body's first line.
create table drift_issues (
    project_id   bigint      primary key references projects (id) on delete cascade,
    provider     text        not null,
    -- Null while an issue is being opened: a report that finds such a row searches for the issue by its marker first
    -- (the host may have created it before a crash), instead of opening a second one.
    issue_number bigint,
    -- Whether TerraFlow left the issue open: a person closing it while the drift is current is not undone.
    open         boolean     not null,
    -- The run whose report finished last; a redelivered report of it (or of an older run) changes nothing.
    last_run_id  bigint      not null,
    updated_at   timestamptz not null default now()
);
