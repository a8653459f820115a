-- Drift reporting: the VCS issue of each project whose drift TerraFlow reported (GitHub issue number, GitLab iid).
-- A lost row is not a duplicate issue: the reporter finds the issue again by the marker on its body's first line.
create table drift_issues (
    project_id   bigint      primary key references projects (id) on delete cascade,
    provider     text        not null,
    issue_number bigint      not null,
    -- Whether TerraFlow left the issue open: a person closing it while the drift is current is not undone.
    open         boolean     not null,
    -- The run whose report finished last; a redelivered report of it (or of an older run) changes nothing.
    last_run_id  bigint      not null,
    updated_at   timestamptz not null default now()
);
