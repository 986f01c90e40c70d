-- 0023_extension_text_rules: the reasons of an extension request and of its decision are not
-- blank in 0017's sense either (no text made only of whitespace, zero-width or format
-- characters); 0017 ran before trial_extensions existed (0019).
ALTER TABLE trial_extensions
    ADD CONSTRAINT trial_extensions_reason_not_blank CHECK (NOT tp_text_blank(reason)),
    ADD CONSTRAINT trial_extensions_decision_reason_not_blank
        CHECK (NOT tp_text_blank(decision_reason));
