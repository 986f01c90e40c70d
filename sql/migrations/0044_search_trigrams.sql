-- 0044_search_trigrams: Latin words and numbers are also indexed by their three-character runs.
--
-- Letter pairs say little: "en" and "nd" are in half the English titles, so a search for "end"
-- collected some 15,000 titles holding both to find the 800 that hold the word (60 ms at
-- 100,000 achievements). Every run of three letters or digits is now a gram as well, in the text
-- and in the term, where it stands for the pairs inside it (as a pair stands for its
-- characters): the query of "end" is the one gram "end", which only texts holding it have. Chinese text keeps its pairs: a pair of characters is
-- already as selective as an English trigram. The matching rule (search_contains) is unchanged.

CREATE OR REPLACE FUNCTION search_grams_of(title text, title_en text, abstract text,
                                           keywords text[])
RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    WITH doc AS (
        SELECT lower(concat_ws(E'\n', title, title_en, abstract,
                               array_to_string(keywords, E'\n'))) AS t
    ), runs AS (
        SELECT r FROM doc, regexp_split_to_table(doc.t, '\s+') AS r WHERE r <> ''
    ), grams AS (
        SELECT c AS g FROM runs, unnest(string_to_array(runs.r, NULL)) AS c
        UNION ALL
        SELECT m[1] FROM runs, generate_series(1, 2) AS k,
                         regexp_matches(substr(runs.r, k), '..', 'g') AS m
        UNION ALL
        SELECT m[1] FROM runs, generate_series(1, 3) AS k,
                         regexp_matches(substr(runs.r, k), '...', 'g') AS m
         WHERE m[1] ~ '^[a-z0-9]{3}$'
    )
    SELECT coalesce(array_to_tsvector(array_agg(g)), ''::tsvector) FROM grams
$$;

CREATE OR REPLACE FUNCTION search_term_grams(q text)
RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    t constant text := lower(q);
    grams text[] := '{}';
    c text;
BEGIN
    FOR i IN 1 .. char_length(t) - 2 LOOP
        c := substr(t, i, 3);
        IF c ~ '^[a-z0-9]{3}$' THEN
            grams := grams || c;
        END IF;
    END LOOP;
    FOR i IN 1 .. char_length(t) - 1 LOOP
        c := substr(t, i, 2);
        IF c !~ '\s' AND NOT EXISTS (SELECT 1 FROM unnest(grams) AS g WHERE strpos(g, c) > 0) THEN
            grams := grams || c;
        END IF;
    END LOOP;
    FOR i IN 1 .. char_length(t) LOOP
        c := substr(t, i, 1);
        IF c !~ '\s' AND NOT EXISTS (SELECT 1 FROM unnest(grams) AS g WHERE strpos(g, c) > 0) THEN
            grams := grams || c;
        END IF;
    END LOOP;
    RETURN (SELECT array_agg(DISTINCT g ORDER BY g) FROM unnest(grams) AS g);
END
$$;

-- The grams of the achievements there are, with their indexes built afresh after (faster than
-- keeping them through the update); their versions and times stay as they are.
DROP INDEX achievements_search_rum, achievements_title_rum, achievements_keyword_rum;
ALTER TABLE achievements DISABLE TRIGGER USER;
UPDATE achievements
   SET search_grams = search_grams_of(title, title_en, abstract, keywords),
       title_grams = search_grams_of(title, title_en, NULL, NULL),
       keyword_grams = search_grams_of(NULL, NULL, NULL, keywords);
ALTER TABLE achievements ENABLE TRIGGER USER;
SELECT search_gram_counts_rebuild();
-- Plain GIN: since 0043 the gram indexes are read as bitmaps only, and RUM's ordering by id,
-- for which 0039 chose it, is not used; GIN is a third of the size and quicker to keep.
CREATE INDEX achievements_search_grams ON achievements USING gin (search_grams);
CREATE INDEX achievements_title_grams ON achievements USING gin (title_grams);
CREATE INDEX achievements_keyword_grams ON achievements USING gin (keyword_grams);
