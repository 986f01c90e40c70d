-- stats_fixture: a small pool for the statistics and export suites — one institution and one
-- enterprise per province, trials in every state and across provinces, licenses with payments,
-- one approved and one pending compensation, and signed-in administrators and staff. The
-- service date is 2026-06-15. The expectations in test_stats.c are worked out from these rows.
--
-- Rows in later states are inserted directly (session_replication_role = replica skips the
-- trigger guards, never the CHECK constraints), so the provinces copied from the owners are
-- written out here.

SET techpool.today = '2026-06-15';
SET session_replication_role = replica;

INSERT INTO institutions (id, name, province, kind, contact_name) OVERRIDING SYSTEM VALUE
VALUES (1, '复旦大学', 'SH', 'university', '张老师'),
       (2, '南京大学', 'JS', 'university', '李老师'),
       (3, '浙江大学', 'ZJ', 'university', '王老师'),
       (4, '中国科学技术大学', 'AH', 'university', '赵老师');

INSERT INTO enterprises (id, name, credit_code, province, scale, contact_name) OVERRIDING SYSTEM VALUE
VALUES (1, '上海微电子有限公司', '91310000MA1K000011', 'SH', 'small', '陈经理'),
       (2, '苏州纳米科技有限公司', '91320500MA1K000022', 'JS', 'medium', '周经理'),
       (3, '杭州智造有限公司', '91330100MA2B000033', 'ZJ', 'micro', '吴经理'),
       (4, '合肥储能有限公司', '91340100MA2C000044', 'AH', 'small', '郑经理');

-- Titles that a spreadsheet would run as formulas, one per starting character.
INSERT INTO achievements (id, institution_id, province, title, abstract, field, kind, maturity,
                          trial_months, payment_mode, status) OVERRIDING SYSTEM VALUE
VALUES (1, 3, 'ZJ', '=HYPERLINK("http://x.test","芯片, 封装")', '先进封装工艺', 'integrated_circuits',
        'invention_patent', 6, 12, 'installments', 'listed'),
       (2, 1, 'SH', '+药物筛选平台', '高通量筛选', 'biomedicine', 'invention_patent', 5, 12,
        'installments', 'listed'),
       (3, 2, 'JS', '-视觉检测算法', '工业视觉', 'artificial_intelligence', 'software_copyright', 7,
        6, 'lump_sum', 'listed'),
       (4, 4, 'AH', '@储能电池管理', '电池管理系统', 'new_energy', 'invention_patent', 6, 6,
        'lump_sum', 'listed'),
       (5, 3, 'ZJ', '晶圆缺陷检测（草稿）', '草稿', 'integrated_circuits', 'invention_patent', 3, 6,
        'lump_sum', 'draft'),
       (6, 2, 'JS', E'\t水稻育种', '抗倒伏品种', 'agriculture', 'plant_variety', 8, 6,
        'lump_sum', 'listed');

INSERT INTO trials (id, achievement_id, institution_id, institution_province, enterprise_id,
                    enterprise_province, exclusive, purpose, planned_months, status, requested_at,
                    started_on, ends_on, closed_at, close_reason, license_id)
OVERRIDING SYSTEM VALUE
VALUES
  -- 00:30 in Shanghai is still 2025-12-31 in UTC: the filters count Shanghai days
  (1, 1, 3, 'ZJ', 3, 'ZJ', false, '产线验证', 6, 'requested', '2026-01-01 00:30+08',
   NULL, NULL, NULL, NULL, NULL),
  (2, 1, 3, 'ZJ', 1, 'SH', false, '产线验证', 6, 'active', '2026-02-10 10:00+08',
   '2026-02-12', '2026-08-12', NULL, NULL, NULL),
  -- still stored active, but ended on 2026-02-10: expired
  (3, 1, 3, 'ZJ', 2, 'JS', false, '小批量试产', 3, 'active', '2025-11-05 09:00+08',
   '2025-11-10', '2026-02-10', NULL, NULL, NULL),
  (4, 2, 1, 'SH', 3, 'ZJ', false, '新药筛选', 6, 'converted', '2026-03-15 10:00+08',
   '2026-03-16', '2026-09-16', '2026-04-01 10:00+08', NULL, 4),
  (5, 2, 1, 'SH', 1, 'SH', false, '新药筛选', 6, 'declined', '2026-03-20 10:00+08',
   NULL, NULL, '2026-03-21 10:00+08', '资质不符', NULL),
  -- 23:59 on the last day of April, Shanghai
  (6, 3, 2, 'JS', 4, 'AH', false, '质检改造', 1, 'returned', '2026-04-30 23:59+08',
   '2026-05-02', '2026-06-02', '2026-05-20 10:00+08', '效果不达预期', NULL),
  (7, 3, 2, 'JS', 3, 'ZJ', false, '质检改造', 2, 'expired', '2025-12-01 10:00+08',
   '2025-12-02', '2026-02-02', '2026-02-03 00:00+08', NULL, NULL),
  (8, 4, 4, 'AH', 2, 'JS', false, '储能电站', 3, 'cancelled', '2026-06-01 10:00+08',
   NULL, NULL, '2026-06-02 10:00+08', NULL, NULL),
  (9, 4, 4, 'AH', 4, 'AH', false, '储能电站', 1, 'converted', '2026-05-10 10:00+08',
   '2026-05-11', '2026-06-11', '2026-05-25 10:00+08', NULL, 9),
  (10, 1, 3, 'ZJ', 4, 'AH', false, '封装代工', 3, 'converted', '2025-10-20 10:00+08',
   '2025-10-21', '2026-01-21', '2025-12-01 10:00+08', NULL, 10),
  (11, 2, 1, 'SH', 2, 'JS', false, '仿制药评价', 2, 'converted', '2026-02-28 10:00+08',
   '2026-03-01', '2026-05-01', '2026-04-15 10:00+08', NULL, 11),
  (12, 6, 2, 'JS', 1, 'SH', false, '种植示范', 1, 'active', '2026-06-15 00:10+08',
   '2026-06-15', '2026-07-15', NULL, NULL, NULL);

INSERT INTO licenses (id, trial_id, achievement_id, institution_id, institution_province,
                      enterprise_id, enterprise_province, payment_mode, total_fen, issued_fen,
                      paid_fen, status, signed_at, defaulted_at) OVERRIDING SYSTEM VALUE
VALUES (4, 4, 2, 1, 'SH', 3, 'ZJ', 'installments', 100000, 100000, 30000, 'active',
        '2026-04-01 10:00+08', NULL),
       (9, 9, 4, 4, 'AH', 4, 'AH', 'lump_sum', 250000, 250000, 250000, 'settled',
        '2026-05-25 10:00+08', NULL),
       (10, 10, 1, 3, 'ZJ', 4, 'AH', 'installments', 80000, 80000, 10000, 'defaulted',
        '2025-12-01 10:00+08', '2026-05-01 10:00+08'),
       (11, 11, 2, 1, 'SH', 2, 'JS', 'installments', 60000, 60000, 0, 'defaulted',
        '2026-04-15 10:00+08', '2026-06-10 10:00+08');

INSERT INTO installments (license_id, seq, due_on, amount_fen, paid_fen)
VALUES (4, 1, '2026-06-01', 50000, 30000), (4, 2, '2026-09-01', 50000, 0),
       (9, 1, '2026-06-01', 250000, 250000),
       (10, 1, '2026-01-01', 40000, 10000), (10, 2, '2026-02-01', 40000, 0),
       (11, 1, '2026-03-01', 60000, 0);

INSERT INTO payments (license_id, amount_fen, paid_on, reference, recorded_at)
VALUES (4, 30000, '2026-05-01', 'HZ-2026-0501', '2026-05-01 10:00+08'),
       (9, 250000, '2026-06-01', 'HF-2026-0601', '2026-06-01 10:00+08'),
       (10, 10000, '2026-01-01', 'HZ-2026-0101', '2026-01-01 10:00+08');

INSERT INTO users (id, email, password_hash, role, province, institution_id, enterprise_id,
                   contact_name) OVERRIDING SYSTEM VALUE
VALUES (101, 'pa-zj@techpool.test', '$argon2id$fixture', 'province_admin', 'ZJ', NULL, NULL, '浙江管理员'),
       (102, 'pa-sh@techpool.test', '$argon2id$fixture', 'province_admin', 'SH', NULL, NULL, '上海管理员'),
       (103, 'ent-zj@techpool.test', '$argon2id$fixture', 'enterprise', NULL, NULL, 3, '吴经理'),
       (104, 'inst-zj@techpool.test', '$argon2id$fixture', 'institution', NULL, 3, NULL, '王老师');

-- Open licensing (1.1): achievement 2 (SH) declared on 2026-04-01 and taken by enterprise 4
-- (AH) on 2026-05-01 as license 20; achievement 4 (AH) declared on 2026-05-20, since withdrawn.
UPDATE achievements SET patent_numbers = '{ZL202110123456.7}', open_license = true WHERE id = 2;
UPDATE achievements SET patent_numbers = '{ZL202010654321.9}' WHERE id = 4;
INSERT INTO open_license_declarations (id, achievement_id, institution_id, institution_province,
                                       patent_numbers, fee_kind, fee_fen, years, status,
                                       declared_on, declared_by, withdrawn_at)
OVERRIDING SYSTEM VALUE
VALUES (1, 2, 1, 'SH', '{ZL202110123456.7}', 'lump_sum', 500000, 5, 'active', '2026-04-01', 102,
        NULL),
       (2, 4, 4, 'AH', '{ZL202010654321.9}', 'lump_sum', 300000, 3, 'withdrawn', '2026-05-20',
        101, '2026-06-01 10:00+08');
INSERT INTO licenses (id, source, open_license_id, achievement_id, institution_id,
                      institution_province, enterprise_id, enterprise_province, payment_mode,
                      total_fen, issued_fen, paid_fen, status, signed_at, recording_due_on)
OVERRIDING SYSTEM VALUE
VALUES (20, 'open_license', 1, 2, 1, 'SH', 4, 'AH', 'lump_sum', 500000, 500000, 0, 'active',
        '2026-05-01 10:00+08', '2026-08-01');
INSERT INTO installments (license_id, seq, due_on, amount_fen) VALUES (20, 1, '2026-05-31', 500000);
-- Recording: licenses of achievements 1 and 2 (patents) are due three months after signing;
-- license 10's is overdue, license 11's done. Registration: licenses 4 and 9.
UPDATE achievements SET patent_numbers = '{ZL201310123456.2}' WHERE id = 1;
UPDATE licenses SET recording_due_on = '2026-07-01', registration_number = 'JS-2026-0004',
                    registered_on = '2026-05-10', registry_province = 'ZJ',
                    contract_amount_fen = 100000 WHERE id = 4;
UPDATE licenses SET recording_due_on = '2026-03-01' WHERE id = 10;
UPDATE licenses SET recording_due_on = '2026-07-15', record_number = 'R-2026-11',
                    recorded_on = '2026-05-01' WHERE id = 11;
UPDATE licenses SET registration_number = 'AH-2026-0009', registered_on = '2026-06-01',
                    registry_province = 'AH', contract_amount_fen = 250000 WHERE id = 9;

-- outstanding 70,000 at 50 %: 35,000 approved; the claim on license 11 is still pending
INSERT INTO compensations (license_id, province, outstanding_fen, ratio_bp, amount_fen, status,
                           reason, decided_by, decided_at, created_at)
VALUES (10, 'ZJ', 70000, 5000, 35000, 'approved', '逾期未付', 101, '2026-05-10 10:00+08',
        '2026-05-01 10:00+08'),
       (11, 'SH', 60000, 5000, 30000, 'pending', '逾期未付', NULL, NULL, '2026-06-10 10:00+08');

RESET session_replication_role;

-- Rows added later (by the tests) take ids after the fixture's.
SELECT setval(pg_get_serial_sequence(t, 'id'), 1000)
  FROM unnest(ARRAY['institutions', 'enterprises', 'achievements', 'trials', 'licenses',
                    'users']) AS t;

-- Sessions: the token is the name padded with '0' to 43 characters (see session_token_for).
INSERT INTO sessions (token_hash, user_id)
SELECT sha256(convert_to(rpad(name, 43, '0'), 'UTF8')), id
  FROM (VALUES ('stats-pa-zj', 101), ('stats-pa-sh', 102), ('stats-ent-zj', 103),
               ('stats-inst-zj', 104)) AS s (name, id);
INSERT INTO sessions (token_hash, user_id)
SELECT sha256(convert_to(rpad('stats-admin', 43, '0'), 'UTF8')), id
  FROM users WHERE email = 'root@techpool.test';
