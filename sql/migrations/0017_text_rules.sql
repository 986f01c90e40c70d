-- 0017_text_rules: text that shows nothing is blank, and a royalty license has a royalty rate.
--
-- Blank: until now a rule said btrim(x) <> '', which trims spaces only, so a title of a tab, an
-- ideographic space (U+3000) or zero-width and bidi-control characters passed. tp_text_blank()
-- is the daemon's text_blank() (src/domain/text.c): only whitespace (White_Space), format
-- characters (Cf: U+200B..U+200F, U+202A..U+202E, U+2060..U+206F, U+FEFF, U+00AD, U+180E, ...)
-- and other default-ignorable code points (variation selectors, Hangul fillers, tags). The old
-- <table>_<column>_valid rules stay (they also bound the length); a <table>_<column>_not_blank
-- rule beside each applies the stricter one, and tp_text_array_ok (keywords, patent numbers)
-- now uses it for its elements.
--
-- Royalty rate: a license in a royalty mode (royalty, lump_sum_plus_royalty) with royalty_bp 0
-- can never bill a royalty nor be settled; an achievement offering such terms is as wrong. The
-- daemon maps <table>_royalty_bp_for_royalty_modes to 422 invalid_field on royalty_bp.
--
-- Adding a rule checks the rows already there: a database holding a row that breaks one stops
-- at this migration, which changes nothing until the row is corrected by hand (the demo data,
-- the bench seed and the test fixtures keep every rule).

-- True when t holds nothing but invisible code points (NULL for NULL). The ranges are those of
-- INVISIBLE[] in src/domain/text.c.
CREATE FUNCTION tp_text_blank(t text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT t ~ ('^[\u0009-\u000d\u0020\u0085\u00a0\u00ad\u034f\u0600-\u0605\u061c\u06dd'
                || '\u070f\u0890-\u0891\u08e2\u115f-\u1160\u1680\u17b4-\u17b5\u180b-\u180f'
                || '\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff'
                || '\uffa0\ufff0-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f'
                || '\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]*$')
$$;

-- True when every element of a is a non-blank string of at most max_len characters and there
-- are at most max_items of them.
CREATE OR REPLACE FUNCTION tp_text_array_ok(a text[], max_items int, max_len int) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT cardinality(a) <= max_items
       AND array_ndims(a) IS NOT DISTINCT FROM CASE WHEN cardinality(a) = 0 THEN NULL ELSE 1 END
       AND NOT EXISTS (SELECT 1 FROM unnest(a) AS e
                        WHERE e IS NULL OR tp_text_blank(e) OR length(e) > max_len)
$$;

ALTER TABLE institutions
    ADD CONSTRAINT institutions_name_not_blank CHECK (NOT tp_text_blank(name)),
    ADD CONSTRAINT institutions_name_en_not_blank CHECK (NOT tp_text_blank(name_en)),
    ADD CONSTRAINT institutions_contact_name_not_blank CHECK (NOT tp_text_blank(contact_name));
ALTER TABLE enterprises
    ADD CONSTRAINT enterprises_name_not_blank CHECK (NOT tp_text_blank(name)),
    ADD CONSTRAINT enterprises_contact_name_not_blank CHECK (NOT tp_text_blank(contact_name));
ALTER TABLE users
    ADD CONSTRAINT users_contact_name_not_blank CHECK (NOT tp_text_blank(contact_name));
ALTER TABLE achievements
    ADD CONSTRAINT achievements_title_not_blank CHECK (NOT tp_text_blank(title)),
    ADD CONSTRAINT achievements_title_en_not_blank CHECK (NOT tp_text_blank(title_en)),
    ADD CONSTRAINT achievements_abstract_not_blank CHECK (NOT tp_text_blank(abstract)),
    ADD CONSTRAINT achievements_reject_reason_not_blank
        CHECK (NOT tp_text_blank(reject_reason)),
    ADD CONSTRAINT achievements_royalty_bp_for_royalty_modes
        CHECK (payment_mode NOT IN ('royalty', 'lump_sum_plus_royalty') OR royalty_bp > 0);
ALTER TABLE trials
    ADD CONSTRAINT trials_purpose_not_blank CHECK (NOT tp_text_blank(purpose)),
    ADD CONSTRAINT trials_close_reason_not_blank CHECK (NOT tp_text_blank(close_reason));
ALTER TABLE licenses
    ADD CONSTRAINT licenses_royalty_bp_for_royalty_modes
        CHECK (payment_mode NOT IN ('royalty', 'lump_sum_plus_royalty') OR royalty_bp > 0);
ALTER TABLE compensations
    ADD CONSTRAINT compensations_reason_not_blank CHECK (NOT tp_text_blank(reason)),
    ADD CONSTRAINT compensations_decision_reason_not_blank
        CHECK (NOT tp_text_blank(decision_reason));

