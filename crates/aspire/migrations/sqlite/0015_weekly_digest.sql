-- The weekly summary (next meetings, how many goals wait for a report, new wins to cheer):
-- 'on' (the default) or 'off', and when it last went (0: never).
ALTER TABLE notification_settings ADD COLUMN weekly TEXT NOT NULL DEFAULT 'on';
ALTER TABLE notification_settings ADD COLUMN weekly_until INTEGER NOT NULL DEFAULT 0;
