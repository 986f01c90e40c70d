-- 0057_trial_pages: a page of trials plans only its choice of trials on each call.
--
-- api_trials_list (0006) planned its whole statement on every call (EXECUTE ... USING), so that
-- an enterprise's page is read from trials_enterprise_idx and an institution's from
-- trials_institution_idx. That statement also built the page's replies through
-- trials_effective, a view over five tables, and planning it took most of the call: at the
-- bench's full size (1,000,000 trials, an enterprise with 31,000 of them) a page of 20 took
-- 4.2 ms, 2.7 of them planning; the bench's read beside the sign-up flood is that page. Now the
-- choice of trials (one table) is planned per call as before, about 0.1 ms, and the page is
-- built by a statement whose plan the session keeps: 1.7-2.0 ms a page on the same data.

CREATE OR REPLACE FUNCTION api_trials_list(p_actor bigint, p_status text,
                                           p_achievement_id bigint, p_province text,
                                           p_limit integer, p_after_id bigint)
RETURNS TABLE (items jsonb, next_position text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v record;
    ids bigint[];
BEGIN
    SELECT * INTO v FROM party_viewer(p_actor);
    -- planned with the viewer's values: the index of the viewer's side of the trials
    EXECUTE $query$
        SELECT ARRAY(
            SELECT t.id
              FROM trials t
             WHERE party_visible(t.institution_id, t.institution_province, t.enterprise_id,
                                 t.enterprise_province, $1, $2, $3, $4)
               AND ($5::text IS NULL
                    OR ($5 = 'active' AND t.status = 'active' AND t.ends_on >= tp_today())
                    OR ($5 = 'expired' AND (t.status = 'expired'
                            OR (t.status = 'active' AND t.ends_on < tp_today())))
                    OR ($5 NOT IN ('active', 'expired') AND t.status = $5))
               AND ($6::bigint IS NULL OR t.achievement_id = $6)
               AND ($7::text IS NULL OR t.institution_province = $7
                    OR t.enterprise_province = $7)
               AND ($9::bigint IS NULL OR t.id < $9)
             ORDER BY t.id DESC
             LIMIT $8 + 1)
    $query$
    INTO ids
    USING v.role, v.province, v.institution_id, v.enterprise_id, p_status, p_achievement_id,
          p_province, p_limit, p_after_id;
    RETURN QUERY
    SELECT * FROM keyset_page((SELECT jsonb_agg(trial_json(e) ORDER BY e.id DESC)
                                 FROM trials_effective e WHERE e.id = ANY (ids)), p_limit);
END
$$;
