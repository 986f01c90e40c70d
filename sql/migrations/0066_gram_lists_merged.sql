-- 0066_gram_lists_merged: a write to the achievements merges what it added to the gram indexes.
--
-- GIN keeps the entries of new and updated rows in a pending list, unsorted, until a vacuum or
-- gin_pending_list_limit (256 kB here, 0052) merges them into the index, and every scan of the
-- index reads the whole list. A pool whose institutions and reviewers write a few achievements
-- at a time carries partly full lists most of the time (50 updated achievements: 15, 7 and 17
-- pages): on the bench's data after its imports, with lists of 24, 13 and 10 pages, a rank's
-- search from the title index cost 140 µs when nothing matched, 39 µs with the lists merged,
-- and the 2,001 search-distinct terms took 2.2-2.4 s in psql against 1.9 s. Searches far
-- outnumber writes, so the write merges: each statement that inserts or updates achievements
-- ends by merging the lists (about 3 ms for one achievement, 39 ms after 3,000 inserted in one
-- statement, where inserting them took 3.6 s). Entries taken into the index one by one instead
-- (fastupdate off) made those 3,000 inserts take 8.0 s.
-- gin_clean_pending_list asks for the index's owner, as the migrations run: the function runs
-- as its owner, so that any role that may write achievements may also merge.
CREATE FUNCTION achievements_gram_lists_merge() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    PERFORM gin_clean_pending_list('achievements_title_grams'::regclass),
            gin_clean_pending_list('achievements_keyword_grams'::regclass),
            gin_clean_pending_list('achievements_search_grams'::regclass);
    RETURN NULL;
END
$$;

CREATE TRIGGER achievements_95_gram_lists_merged AFTER INSERT OR UPDATE ON achievements
    FOR EACH STATEMENT EXECUTE FUNCTION achievements_gram_lists_merge();
