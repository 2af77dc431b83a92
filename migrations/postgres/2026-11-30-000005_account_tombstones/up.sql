-- A deleted account (Grow's client delete, Pylon's account delete) is a tombstone like a
-- deleted contact: absent from every look-up and list, its external ids freed.
ALTER TABLE accounts ADD COLUMN deleted_at TEXT;
