-- pgbench: the search-distinct run's statement — GET /api/v1/achievements?q=<term>, anonymous,
-- first page of :limit, for a term drawn at random from bench_terms (tests/bench/sql/terms.sql).
\set i random(1, :terms)
SELECT items, next_position FROM bench_terms t, api_achievements_search(NULL::bigint, t.term, NULL::text, NULL::text, NULL::text, NULL::bigint, NULL::boolean, NULL::text, :limit::integer, NULL::integer, NULL::bigint) WHERE t.id = :i;
