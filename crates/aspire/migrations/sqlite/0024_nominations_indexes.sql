-- A person's nominations, made and received (their home page and their list of them): without
-- these every home page read every nomination of the institution, and removing a person did too.
CREATE INDEX nominations_nominee ON nominations (nominee_id);
CREATE INDEX nominations_nominator ON nominations (nominator_id);
