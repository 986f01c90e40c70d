-- terms: the distinct search terms of the search-distinct run, drawn from the seeded corpus
-- (listed titles and abstracts, English titles): up to 500 each of one Chinese character and of
-- English words (the corpus may hold fewer), then two-character and three-to-six-character
-- Chinese terms in equal parts until there are 2,000. Table bench_terms (id 1..n, shuffled by a
-- fixed hash so that runs ask in the same order), read by search_distinct.lua and
-- search_distinct.sql.
DROP TABLE IF EXISTS bench_terms;
CREATE TABLE bench_terms (id integer PRIMARY KEY, kind text NOT NULL, term text NOT NULL UNIQUE);

CREATE TEMP TABLE corpus AS
    SELECT title || abstract AS zh, title_en AS en
      FROM achievements WHERE status = 'listed' ORDER BY id LIMIT 5000;
CREATE TEMP TABLE candidates (kind text, term text);
INSERT INTO candidates
SELECT DISTINCT 'one', substr(zh, i, 1) FROM corpus, generate_series(1, char_length(zh)) AS i
 WHERE substr(zh, i, 1) ~ '^[一-鿿]$';
INSERT INTO candidates
SELECT DISTINCT 'en', lower(w) FROM corpus, regexp_split_to_table(coalesce(en, ''), '[^A-Za-z]+') AS w
 WHERE length(w) >= 3;
INSERT INTO candidates
SELECT DISTINCT 'two', substr(zh, i, 2) FROM corpus, generate_series(1, char_length(zh) - 1) AS i
 WHERE substr(zh, i, 2) ~ '^[一-鿿]{2}$';
INSERT INTO candidates
SELECT DISTINCT 'long', substr(zh, i, n) FROM corpus, generate_series(1, char_length(zh) - 6) AS i,
       generate_series(3, 6) AS n
 WHERE substr(zh, i, n) ~ '^[一-鿿]{3,6}$';

CREATE TEMP TABLE picked AS
WITH short AS (
    SELECT kind, term FROM (
        SELECT kind, term, row_number() OVER (PARTITION BY kind ORDER BY md5(term)) AS n
          FROM candidates WHERE kind IN ('one', 'en')) AS x
     WHERE n <= 500
), rest AS (
    SELECT (2000 - count(*)) / 2 AS each FROM short
)
SELECT kind, term FROM short
UNION ALL
SELECT kind, term FROM (
    SELECT kind, term, row_number() OVER (PARTITION BY kind ORDER BY md5(term)) AS n
      FROM candidates WHERE kind IN ('two', 'long')) AS x, rest
 WHERE n <= rest.each + CASE WHEN kind = 'two' THEN 0 ELSE 1 END;

INSERT INTO bench_terms (id, kind, term)
SELECT row_number() OVER (ORDER BY md5(term || kind)), kind, term FROM picked;
ANALYZE bench_terms;
SELECT kind, count(*) FROM bench_terms GROUP BY kind ORDER BY kind;
