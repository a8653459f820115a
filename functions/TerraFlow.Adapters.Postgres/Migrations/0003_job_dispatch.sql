-- Jobs sent to Azure Service Bus. With Service Bus configured, the jobs table is the transactional outbox for jobs:
-- the host's dispatch loop sends each 'queued' row (message id = job id, so a resend after a crash is dropped by
-- duplicate detection) and marks it 'dispatched' in the same transaction. Runners then take it from Service Bus,
-- never from this table (the PostgreSQL queue only claims 'queued' rows). Status values now:
-- queued | leased | dispatched | succeeded | failed | cancelled
alter table jobs add column dispatched_at timestamptz;
create index jobs_dispatched on jobs (dispatched_at) where status = 'dispatched';
