CREATE TABLE sample_broken (id integer PRIMARY KEY);

INSERT INTO sample_broken (id) VALUES (1);
INSERT INTO sample_broken (id) SELECT id FROM no_such_table;
