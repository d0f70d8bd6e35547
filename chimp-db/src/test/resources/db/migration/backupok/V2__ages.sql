ALTER TABLE backupok_people ADD COLUMN age INTEGER;
