-- Rules (apply, approvals, locks, policies, CODEOWNERS) come from the pull request's base branch. When a pull request
-- changes them, its comment says the changes take effect after merge and which keys were ignored: that line is kept here.
alter table runs add column rule_notice text;
