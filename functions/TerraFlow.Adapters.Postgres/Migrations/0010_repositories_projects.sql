-- Runs beyond pull requests: the repositories and projects TerraFlow knows, and what started each run.
-- Existing rows keep their meaning: every run so far came from a pull request, so trigger_kind = 'pull_request';
-- repositories and projects are filled from the runs and project runs already stored.

create table repositories (
    id              bigserial   primary key,
    provider        text        not null,
    owner           text        not null,
    name            text        not null,
    -- The host's app installation (GitHub App) the repository was last seen with; null where the host has none.
    installation_id bigint,
    -- The repository's own clone URL, as its host last reported it. Never a fork's: a fork's URL is the fork's.
    clone_url       text,
    first_seen_at   timestamptz not null default now(),
    last_seen_at    timestamptz not null default now(),
    unique (provider, owner, name)
);

-- A project of a repository (a directory and workspace that TerraFlow plans), as discovery last reported it.
create table projects (
    id            bigserial   primary key,
    repository_id bigint      not null references repositories (id),
    name          text        not null,
    dir           text        not null,
    workspace     text        not null,
    first_seen_at timestamptz not null default now(),
    last_seen_at  timestamptz not null default now(),
    unique (repository_id, name)
);

alter table runs add column trigger_kind text not null default 'pull_request'
    constraint runs_trigger_kind check (trigger_kind in ('pull_request', 'schedule', 'manual'));
alter table runs add column repository_id bigint references repositories (id);
alter table runs alter column pr_number drop not null;
alter table runs add constraint runs_pull_request_number check (trigger_kind <> 'pull_request' or pr_number is not null);
create index runs_by_repository on runs (repository_id, id desc);

-- One repository per (provider, owner, name) seen in a run; installation and clone URL from its newest run.
-- Older runs stored no fork flag, so the clone URL is kept only where every run of the repository agrees on it.
insert into repositories (provider, owner, name, installation_id, clone_url, first_seen_at, last_seen_at)
select provider, repo_owner, repo_name,
       (array_agg(installation_id order by id desc))[1],
       case when count(distinct clone_url) = 1 then min(clone_url) end,
       min(created_at), max(updated_at)
from runs
group by provider, repo_owner, repo_name;

update runs r set repository_id = p.id
from repositories p
where p.provider = r.provider and p.owner = r.repo_owner and p.name = r.repo_name;

-- Projects from the definitions stored with project runs; dir and workspace from the newest run that had the project.
insert into projects (repository_id, name, dir, workspace, first_seen_at, last_seen_at)
select r.repository_id, pr.name,
       (array_agg(pr.definition->>'dir' order by r.id desc))[1],
       (array_agg(coalesce(pr.definition->>'workspace', 'default') order by r.id desc))[1],
       min(r.created_at), max(pr.updated_at)
from project_runs pr join runs r on r.id = pr.run_id
group by r.repository_id, pr.name;
