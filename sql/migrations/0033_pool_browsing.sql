-- Browsing the pool (1.1 additions to GET /api/v1/achievements):
--   * the replies name the institution in English too (institution_name_en, null when it has
--     none) and carry its public contact (institution_contact_name), as GET /institutions/{id}
--     has them;
--   * achievements_count counts what a list or search shows the viewer, for the reply's "total"
--     (capped at 1,000);
--   * api_achievements_sorted pages the pool in the orders the two lists of 0005 do not have:
--     by reference fee (fee_asc, fee_desc) with or without q, and newest first with q. Each row
--     is placed by (sort_key, tie) ascending — fee_asc: (fee, id); fee_desc: (-fee, -id);
--     newest: (0, -id) — and the keyset position is 'sort_key|tie' of the last row.

CREATE OR REPLACE VIEW achievement_replies AS
SELECT a.id, a.version, a.status, a.province, a.institution_id,
       json_build_object(
           'id', a.id, 'institution_id', a.institution_id,
           'institution_name', i.name, 'institution_name_en', i.name_en,
           'institution_contact_name', i.contact_name,
           'province', a.province, 'title', a.title, 'title_en', a.title_en,
           'abstract', a.abstract, 'field', a.field, 'kind', a.kind,
           'patent_numbers', a.patent_numbers, 'keywords', a.keywords,
           'maturity', a.maturity, 'trial_months', a.trial_months,
           'payment_mode', a.payment_mode, 'reference_fee_fen', a.reference_fee_fen,
           'royalty_bp', a.royalty_bp, 'royalty_base', a.royalty_base,
           'license_years', a.license_years, 'fee_schedule', a.fee_schedule,
           'exclusive', a.exclusive, 'open_license', a.open_license,
           'standard_terms', achievement_standard_terms(a),
           'status', a.status, 'reject_reason', a.reject_reason,
           'created_at', tp_instant(a.created_at), 'updated_at', tp_instant(a.updated_at),
           'version', a.version) AS item
  FROM achievements a
  JOIN institutions i ON i.id = a.institution_id;

-- The achievements a list shows the viewer: all of them without q, else those matching q (the
-- gram index first). Two branches, so that each is planned with its own index.
CREATE FUNCTION achievements_shown(p_actor bigint, p_q text, p_province text, p_field text,
                                   p_kind text, p_institution_id bigint,
                                   p_open_license boolean, p_status text)
RETURNS TABLE(id bigint, reference_fee_fen bigint)
LANGUAGE sql STABLE AS $$
    WITH viewer AS (
        SELECT * FROM achievement_viewer(p_actor)
    )
    SELECT a.id, a.reference_fee_fen
      FROM achievements a
     WHERE p_q IS NULL
       AND achievement_in_list(a, (SELECT v.role FROM viewer v),
                               (SELECT v.province FROM viewer v),
                               (SELECT v.institution_id FROM viewer v), p_province, p_field,
                               p_kind, p_institution_id, p_open_license, p_status)
    UNION ALL
    SELECT a.id, a.reference_fee_fen
      FROM achievements a
     WHERE a.search_grams @@ search_query(p_q)
       AND search_match(p_q, a.title, a.title_en, a.abstract, a.keywords)
       AND achievement_in_list(a, (SELECT v.role FROM viewer v),
                               (SELECT v.province FROM viewer v),
                               (SELECT v.institution_id FROM viewer v), p_province, p_field,
                               p_kind, p_institution_id, p_open_license, p_status)
$$;

-- How many achievements the list shows, counted up to 1,001 (the reply says "1000+" beyond
-- 1,000: an exact count of a large pool costs more than the page itself).
CREATE FUNCTION achievements_count(p_actor bigint, p_q text, p_province text, p_field text,
                                   p_kind text, p_institution_id bigint,
                                   p_open_license boolean, p_status text)
RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
    n bigint;
BEGIN
    -- plpgsql keeps the plan for the connection: planning the inlined list costs more than
    -- counting it
    SELECT count(*) INTO n
      FROM (SELECT 1
              FROM achievements_shown(p_actor, p_q, p_province, p_field, p_kind,
                                      p_institution_id, p_open_license, p_status)
             LIMIT 1001) AS shown;
    RETURN CASE WHEN n > 1000 THEN '"total":1000,"total_capped":true'
                ELSE '"total":' || n || ',"total_capped":false' END;
END
$$;

CREATE FUNCTION api_achievements_sorted(p_actor bigint, p_q text, p_province text, p_field text,
                                        p_kind text, p_institution_id bigint,
                                        p_open_license boolean, p_status text, p_sort text,
                                        p_limit integer, p_after_key bigint, p_after_tie bigint)
RETURNS TABLE(items json, next_position text)
LANGUAGE sql STABLE AS $$
    WITH matches AS (
        SELECT s.id,
               CASE p_sort WHEN 'fee_asc' THEN s.reference_fee_fen
                           WHEN 'fee_desc' THEN -s.reference_fee_fen
                           ELSE 0 END AS sort_key,
               CASE p_sort WHEN 'fee_asc' THEN s.id ELSE -s.id END AS tie
          FROM achievements_shown(p_actor, p_q, p_province, p_field, p_kind, p_institution_id,
                                  p_open_license, p_status) s
    ), hits AS (
        SELECT m.id, m.sort_key, m.tie
          FROM matches m
         WHERE p_after_tie IS NULL OR (m.sort_key, m.tie) > (p_after_key, p_after_tie)
         ORDER BY m.sort_key, m.tie
         LIMIT p_limit + 1
    ), page AS (
        SELECT h.id, h.sort_key, h.tie, row_number() OVER (ORDER BY h.sort_key, h.tie) AS n
          FROM hits h
    )
    SELECT coalesce(json_agg(r.item ORDER BY p.n) FILTER (WHERE p.n <= p_limit), '[]'::json),
           CASE WHEN count(*) > p_limit
                THEN (SELECT l.sort_key || '|' || l.tie FROM page l WHERE l.n = p_limit) END
      FROM page p
      JOIN achievement_replies r ON r.id = p.id
$$;
