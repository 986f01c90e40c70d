-- 0062_inlined_payments: a license's page of payments plans party_names_json once, not per row.
--
-- As license_json and compensation_json before 0061: payment_json found its license in a
-- subquery, so PostgreSQL ran it as a statement of its own for every payment and planned
-- party_names_json again each time. It now takes its license from the caller's join and is
-- inlined into the page's statement; the one-argument form remains for single payments. The
-- page asked api_license_get only to learn whether the caller may see the license, building
-- the license's whole reply for it: it asks that alone now.

CREATE FUNCTION payment_json(p payments, l licenses) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT jsonb_build_object(
        'id', p.id, 'license_id', p.license_id, 'amount_fen', p.amount_fen,
        'paid_on', p.paid_on, 'reference', p.reference, 'recorded_by', p.recorded_by,
        'recorded_at', tp_instant(p.recorded_at))
        || party_names_json(l.achievement_id, l.institution_id, l.enterprise_id)
$$;

-- One payment, for the callers that have no license at hand (every license_id names one).
CREATE OR REPLACE FUNCTION payment_json(p payments) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT payment_json(p, l) FROM licenses l WHERE l.id = p.license_id
$$;

CREATE OR REPLACE FUNCTION api_license_payments_list(p_actor bigint, p_license_id bigint,
                                                     p_limit integer, p_after_id bigint)
RETURNS TABLE (items jsonb, next_position text)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM licenses l
                    WHERE l.id = p_license_id AND party_visible_to(p_actor, l)) THEN
        PERFORM tp_raise('TP404', 'no such license');
    END IF;
    RETURN QUERY
    WITH hits AS (
        SELECT p.id
          FROM payments p
         WHERE p.license_id = p_license_id
           AND (p_after_id IS NULL OR p.id < p_after_id)
         ORDER BY p.id DESC
         LIMIT p_limit + 1
    )
    SELECT * FROM keyset_page((SELECT jsonb_agg(payment_json(p, l) ORDER BY p.id DESC)
                                 FROM hits JOIN payments p ON p.id = hits.id
                                 JOIN licenses l ON l.id = p.license_id), p_limit);
END
$$;
