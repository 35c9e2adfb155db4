-- A person's seats are read on every signed-in request (the session statement), and a
-- program's people list reads each person's groups: each seat was an index entry then a look-up
-- of its row. The indexes of seats by person now carry what is read of them (a group seat's
-- group, role and date joined; a program seat's program and role), so no seat's row is read.
-- They replace group_members_user and program_members_user, whose column leads them.
DROP INDEX group_members_user;
CREATE INDEX group_members_user_seat ON group_members (user_id, group_id, role, joined_at);
DROP INDEX program_members_user;
CREATE INDEX program_members_user_seat ON program_members (user_id, program_id, role);
