CREATE TABLE backupok_people (name VARCHAR PRIMARY KEY);
