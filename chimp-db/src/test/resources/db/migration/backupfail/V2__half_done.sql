-- H2 commits each DDL statement: the rename stays although the next statement fails, as a kill would leave it.
ALTER TABLE backupfail_people RENAME TO backupfail_people_v1;
SELECT no_such_column FROM backupfail_people_v1;
