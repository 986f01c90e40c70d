-- 0053_achievement_rows: an achievement's row holds what the search reads of it, and its grams
-- apart.
--
-- A search reads achievement rows one by one, newest first or as its gram index finds them, and
-- tests their titles, keywords and abstract; it never reads their grams (the gram indexes hold
-- them). The three gram columns were most of a row, about 3.5 kB of 4.3, kept in the row while
-- it fitted a page: 2.3 rows to a page, so that each row read was a page read (at the bench's
-- full size the rows took 43,000 pages, and reading a page was the search's largest single
-- cost). A row longer than 2 kB (where PostgreSQL starts to shorten rows) now has its grams
-- moved out to the table's TOAST relation, uncompressed, until it is under 1 kB, before any text
-- the search reads is touched: about nine rows to a page.
--
-- The rows there are written again in the new layout, with the gram indexes built afresh after
-- (faster than keeping them through the update); their versions and times stay as they are.

ALTER TABLE achievements
    ALTER COLUMN search_grams SET STORAGE EXTERNAL,
    ALTER COLUMN title_grams SET STORAGE EXTERNAL,
    ALTER COLUMN keyword_grams SET STORAGE EXTERNAL,
    ALTER COLUMN title SET STORAGE MAIN,
    ALTER COLUMN title_en SET STORAGE MAIN,
    ALTER COLUMN abstract SET STORAGE MAIN,
    ALTER COLUMN keywords SET STORAGE MAIN,
    SET (toast_tuple_target = 1024);

DROP INDEX achievements_search_grams, achievements_title_grams, achievements_keyword_grams;
ALTER TABLE achievements DISABLE TRIGGER USER;
UPDATE achievements SET search_grams = search_grams || ''::tsvector;
ALTER TABLE achievements ENABLE TRIGGER USER;
ALTER TABLE achievements ENABLE ALWAYS TRIGGER achievements_items_insert;
ALTER TABLE achievements ENABLE ALWAYS TRIGGER achievements_items_update;
CREATE INDEX achievements_search_grams ON achievements USING gin (search_grams)
    WITH (gin_pending_list_limit = 256);
CREATE INDEX achievements_title_grams ON achievements USING gin (title_grams)
    WITH (gin_pending_list_limit = 256);
CREATE INDEX achievements_keyword_grams ON achievements USING gin (keyword_grams)
    WITH (gin_pending_list_limit = 256);
