-- Runners on the PostgreSQL job queue connect as a role that can use the job tables and nothing else: claim, renew and
-- finish jobs (jobs, job_lease_tokens) and hand results to the engine (workflow_inbox, insert only). No access to
-- runs, approvals, service_secrets (the approval signing key) or the outbox. The embedded cluster creates the role
-- (terraflow_runner) before migrations run; on another server, create it first (see the README) or run these grants
-- yourself. Skipped when the role does not exist, so installations that do not use it are unaffected.
do $$
begin
  if exists (select 1 from pg_roles where rolname = 'terraflow_runner') then
    grant select, update on jobs to terraflow_runner;
    grant usage on sequence job_lease_tokens to terraflow_runner;
    grant insert on workflow_inbox to terraflow_runner;
    grant usage on sequence workflow_inbox_id_seq to terraflow_runner;
  end if;
end $$;
