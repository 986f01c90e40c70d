-- 0040_search_helpers: one definition of where a term is found. Since 0039 the search reads the
-- ranks through search_in_titles and search_in_keywords, so search_rank (0002) ranks nothing any
-- more and goes; search_match, which the count of 0033 uses, is built from the same two.

DROP FUNCTION search_rank(text, text, text, text[]);

CREATE OR REPLACE FUNCTION search_match(q text, title text, title_en text, abstract text,
                                        keywords text[])
RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT search_in_titles(q, title, title_en) OR search_in_keywords(q, keywords)
        OR strpos(lower(abstract), lower(q)) > 0
$$;
