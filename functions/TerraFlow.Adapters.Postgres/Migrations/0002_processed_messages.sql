-- Messages taken from Azure Service Bus, which delivers at least once. Each handled message's id is written in the
-- same transaction as its effect (e.g. the workflow inbox row), so a redelivery finds it and changes nothing.
-- Messages refused as malformed are kept too, with the reason: they are completed, not redelivered.
create table processed_messages (
    source         text        not null,  -- the function that took it, e.g. 'JobResults'
    message_id     text        not null,  -- Service Bus MessageId, or 'sha256:<body hash>' when it had none
    outcome        text        not null,  -- accepted | rejected
    detail         text,                  -- why it was rejected
    delivery_count int,
    received_at    timestamptz not null default now(),
    primary key (source, message_id)
);
