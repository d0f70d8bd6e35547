CREATE TABLE backupfail_people (name VARCHAR PRIMARY KEY);
