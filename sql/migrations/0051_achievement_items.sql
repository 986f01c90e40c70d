-- 0051_achievement_items: an achievement's reply is built when the achievement changes, not each
-- time it is read.
--
-- A page of the pool (the list or a search, 20 achievements) spent about 1 ms of PostgreSQL time
-- building its replies from achievements and institutions (30 fields, the standard terms, two
-- instants formatted) — more than finding the achievements on it for most searches, and the
-- same again on every read of an unchanged pool. Each achievement's reply is now kept in
-- achievement_items, written in the transaction that changes the achievement or its institution;
-- the view achievement_replies reads it, so every reader is unchanged, and a page copies 20
-- stored replies (about 0.1 ms).
--
-- The triggers fire ALWAYS, also under session_replication_role = replica (which loads use to
-- skip the guards): a reply is never missing nor older than its achievement. A migration that
-- disables the triggers, or changes what a reply holds, calls achievement_items_rebuild.

-- The reply of one achievement of the institution (the view's item before).
CREATE FUNCTION achievement_item(a achievements, i institutions)
RETURNS json
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT json_build_object(
        'id', a.id, 'institution_id', a.institution_id, 'institution_name', i.name,
        'institution_name_en', i.name_en, 'institution_contact_name', i.contact_name,
        'province', a.province, 'title', a.title, 'title_en', a.title_en,
        'abstract', a.abstract, 'field', a.field, 'kind', a.kind,
        'patent_numbers', a.patent_numbers, 'keywords', a.keywords, 'maturity', a.maturity,
        'trial_months', a.trial_months, 'payment_mode', a.payment_mode,
        'reference_fee_fen', a.reference_fee_fen, 'royalty_bp', a.royalty_bp,
        'royalty_base', a.royalty_base, 'license_years', a.license_years,
        'fee_schedule', a.fee_schedule, 'exclusive', a.exclusive,
        'open_license', a.open_license, 'standard_terms', achievement_standard_terms(a),
        'status', a.status, 'reject_reason', a.reject_reason,
        'created_at', tp_instant(a.created_at), 'updated_at', tp_instant(a.updated_at),
        'version', a.version)
$$;

CREATE TABLE achievement_items (
    id bigint PRIMARY KEY REFERENCES achievements ON DELETE CASCADE,
    item json NOT NULL
);

-- Writes the replies of the achievements with these ids, in the order of the key (so that two
-- writers lock the rows they share in the same order).
CREATE FUNCTION achievement_items_write(ids bigint[])
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO achievement_items AS s (id, item)
    SELECT a.id, achievement_item(a, i)
      FROM achievements a
      JOIN institutions i ON i.id = a.institution_id
     WHERE a.id = ANY (ids)
     ORDER BY a.id
        ON CONFLICT (id) DO UPDATE SET item = excluded.item;
END
$$;

CREATE FUNCTION achievements_items() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM achievement_items_write(ARRAY(SELECT n.id FROM new_rows n));
    RETURN NULL;
END
$$;

CREATE TRIGGER achievements_items_insert AFTER INSERT ON achievements
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION achievements_items();
CREATE TRIGGER achievements_items_update AFTER UPDATE ON achievements
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION achievements_items();
ALTER TABLE achievements ENABLE ALWAYS TRIGGER achievements_items_insert;
ALTER TABLE achievements ENABLE ALWAYS TRIGGER achievements_items_update;

-- An institution renamed (or its contact changed) changes the replies of its achievements.
CREATE FUNCTION institutions_items() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM achievement_items_write(ARRAY(
        SELECT a.id FROM new_rows n
          JOIN old_rows o ON o.id = n.id
          JOIN achievements a ON a.institution_id = n.id
         WHERE (n.name, n.name_en, n.contact_name) IS DISTINCT FROM
               (o.name, o.name_en, o.contact_name)));
    RETURN NULL;
END
$$;

CREATE TRIGGER institutions_items_update AFTER UPDATE ON institutions
    REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION institutions_items();
ALTER TABLE institutions ENABLE ALWAYS TRIGGER institutions_items_update;

-- Every reply afresh: here, and after a migration that changes what a reply holds.
CREATE FUNCTION achievement_items_rebuild()
RETURNS void
LANGUAGE sql AS $$
    DELETE FROM achievement_items;
    INSERT INTO achievement_items (id, item)
    SELECT a.id, achievement_item(a, i)
      FROM achievements a JOIN institutions i ON i.id = a.institution_id;
$$;

SELECT achievement_items_rebuild();

CREATE OR REPLACE VIEW achievement_replies AS
 SELECT a.id,
    a.version,
    a.status,
    a.province,
    a.institution_id,
    s.item
   FROM achievements a
   JOIN achievement_items s ON s.id = a.id;
