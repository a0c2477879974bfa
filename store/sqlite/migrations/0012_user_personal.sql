-- A user's resident ID number and mobile (the 劳务报酬发放表 needs the ID
-- number), encrypted by the engine's vault ("enc:v1:…"), '' when none.
ALTER TABLE users ADD COLUMN id_number TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN mobile TEXT NOT NULL DEFAULT '';
