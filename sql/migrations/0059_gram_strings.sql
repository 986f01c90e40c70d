-- 0059_gram_strings: an achievement's grams cut out of its text by a few string operations
-- instead of a row per gram.
--
-- search_grams_of (0043) made a row of every character, every pair and every run of three Latin
-- letters or digits, then gathered the rows into an array: about 500 rows for an abstract of 250
-- characters. The rows cost more than the cutting: 0.45 ms an achievement, 2.3 s of the 5.4 an
-- import of 5,000 rows takes (the bench's file). Now the text is cut into the same grams as
-- strings: the characters are its non-blank characters; the pairs of a run come from marking
-- every second character after the first and after the second of the run; the runs of three
-- likewise, in the runs of Latin letters and digits, the only ones they are taken from. A run of
-- odd length leaves a single character over, and a run of three a pair or a character: those
-- are grams already, and a tsvector holds each gram once. Same grams (checked against 0043's
-- definition for every achievement of the bench's 110,000), 0.25 ms an achievement.
-- The run from its character start on, cut into pieces of size characters, each followed by a
-- space (runs hold no blank); fewer than size characters left over at the end stay as they are.
CREATE FUNCTION search_grams_cut(run text, size integer, start integer)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT regexp_replace(substr(run, start), '(' || repeat('.', size) || ')', '\1 ', 'g')
$$;

CREATE OR REPLACE FUNCTION search_grams_of(title text, title_en text, abstract text,
                                           keywords text[])
RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    WITH doc AS (
        SELECT lower(concat_ws(E'\n', title, title_en, abstract,
                               array_to_string(keywords, E'\n'))) AS t
    )
    SELECT coalesce(array_to_tsvector(array_remove(
               string_to_array(regexp_replace(doc.t, '\s+', '', 'g'), NULL)
               || string_to_array(
                   (SELECT string_agg(search_grams_cut(r[1], 2, 1) || ' '
                                      || search_grams_cut(r[1], 2, 2), ' ')
                      FROM regexp_matches(doc.t, '\S{2,}', 'g') AS r), ' ')
               || string_to_array(
                   (SELECT string_agg(search_grams_cut(w[1], 3, 1) || ' '
                                      || search_grams_cut(w[1], 3, 2) || ' '
                                      || search_grams_cut(w[1], 3, 3), ' ')
                      FROM regexp_matches(doc.t, '[a-z0-9]{3,}', 'g') AS w), ' '),
               '')), ''::tsvector)
      FROM doc
$$;
