-- seed: loads the benchmark's data set into a migrated, empty database, in SQL only
-- (generate_series, no HTTP): institutions, enterprises, bench users, :achievements achievements
-- (Chinese and English titles and abstracts combined from arrays of technical terms, across every
-- field and province), :trials trials in every state, and licenses with installments, payments
-- and compensation claims whose books balance.
--
-- psql variables: achievements, trials, institutions, enterprises, bench_institutions,
-- bench_enterprises, admin_email (an admin made by `techpool admin create`: its argon2id hash is
-- the password hash of every bench user).
--
-- How it stays fast (measured on this kind of machine, 2 shared cores, 100,000 achievements and
-- 1,000,000 trials: about 40 s in all, a fifth of it rebuilding indexes):
--   * session_replication_role = replica skips the trigger guards (and the foreign-key
--     triggers), so rows can be born in later states; CHECK constraints still hold;
--   * the secondary indexes and the foreign keys are dropped first and recreated after the load,
--     which validates every foreign key and every unique rule in one pass each; the GIN index on
--     search_grams builds in 6-8 s after the load, against 13 s kept up by the inserts;
--   * search_grams is set in the INSERT (its trigger does not fire under replica), from grams
--     computed once per distinct part of the text (8 s, against 22 s for search_grams_of() per
--     row; see the achievements below);
--   * the nested subqueries end in OFFSET 0, so that a column used several times above is
--     computed once (the trials' INSERT went from 22 to 4 microseconds a row).
-- The ledger books and a sample of the grams are checked at the end.
--
-- Rules the generated data keeps (the load fails otherwise):
--   * achievements: status by id % 20 — 0 draft, 1 pending, 2 rejected, 3 withdrawn (licensed
--     when exclusive), 4..19 listed; so the anonymous detail benchmark can pick listed ids;
--   * trials only on achievements that were listed once; at most one open trial per enterprise
--     and achievement; on an exclusive achievement at most one active trial and a converted one
--     only when it is licensed; planned_months within trial_months;
--   * licenses (one per converted trial, with the trial's id): installments add up to total_fen,
--     paid oldest first; paid_fen = the installments' paid_fen = the sum of the payments;
--   * the enterprises of the bench users have no trial, so the write benchmark never meets one.

\set ON_ERROR_STOP on
\timing on
SET session_replication_role = replica;
SET maintenance_work_mem = '256MB';
SET synchronous_commit = off;
SET jit = off;
SET client_min_messages = warning;

-- ---------------------------------------------------------------------------------------------
-- Words

\set provinces '{SH,SH,JS,JS,JS,ZJ,ZJ,ZJ,AH,AH}'
\set cities '{{上海,上海,上海,上海,上海,上海},{南京,苏州,无锡,常州,南通,扬州},{杭州,宁波,温州,绍兴,嘉兴,湖州},{合肥,芜湖,蚌埠,马鞍山,安庆,滁州}}'
\set cities_en '{{Shanghai,Shanghai,Shanghai,Shanghai,Shanghai,Shanghai},{Nanjing,Suzhou,Wuxi,Changzhou,Nantong,Yangzhou},{Hangzhou,Ningbo,Wenzhou,Shaoxing,Jiaxing,Huzhou},{Hefei,Wuhu,Bengbu,"Ma\'anshan",Anqing,Chuzhou}}'
\set subjects '{理工,科技,医科,农业,电子信息,材料科学,海洋,工程技术,化工,能源}'
\set subjects_en '{"Science and Engineering",Technology,"Medical Sciences",Agriculture,"Electronic Information","Materials Science",Ocean,"Engineering Technology","Chemical Engineering",Energy}'
\set surnames '{王,李,张,刘,陈,杨,黄,赵,吴,周,徐,孙,马,朱,胡,郭,何,林,高,罗}'
\set given '{伟,芳,娜,敏,静,磊,洋,勇,艳,杰,军,涛,明,超,秀英,建华,志强,海燕,晓东,丽华}'
\set brands1 '{华,恒,金,中,新,博,瑞,联,天,启,长,泰,宏,科,远,安,汇,卓,信,鼎}'
\set brands2 '{芯,通,达,科,锐,远,丰,创,成,明,江,盛,源,智,航,捷,德,润,诚,力}'
\set industries '{电子科技,生物医药,智能装备,新能源,新材料,信息技术,农业发展,环保科技,精密机械,汽车零部件,化工,纺织,食品,医疗器械,光电,软件,半导体,储能,检测技术,节能科技}'

\set fields '{integrated_circuits,biomedicine,artificial_intelligence,advanced_manufacturing,new_energy,new_materials,information_technology,agriculture,environment,other}'
\set field_labels '{集成电路,生物医药,人工智能,高端装备,新能源,新材料,信息技术,现代农业,生态环境,其他}'
\set cores '{{芯片,集成电路,晶圆级封装,光刻胶,射频芯片,功率半导体,存储芯片,碳化硅器件,模拟芯片,芯片测试},{单克隆抗体,新型疫苗,基因编辑,细胞治疗,小分子靶向药,中药提取物,医用敷料,体外诊断试剂,药物缓释载体,医学影像},{大语言模型,计算机视觉,智能语音识别,知识图谱,强化学习,AI芯片,边缘计算,自动驾驶感知,工业视觉检测,多模态融合},{工业机器人,数控机床,增材制造,精密减速器,激光焊接,智能产线,伺服电机,工业互联网平台,无损检测,高端轴承},{锂离子电池,固态电池,光伏组件,氢燃料电池,储能系统,风电叶片,钙钛矿太阳能电池,充电桩,电池管理系统,空气源热泵},{石墨烯,碳纤维复合材料,高温合金,稀土永磁,纳米涂层,生物基材料,特种陶瓷,高分子分离膜,液晶材料,气凝胶},{区块链,工业软件,数据库系统,网络安全,5G通信,云计算平台,物联网终端,操作系统,隐私计算,北斗导航},{水稻新品种,生物农药,智慧灌溉,茶叶加工,水产养殖,土壤修复,畜禽疫病防控,种子包衣,设施农业,果蔬保鲜},{污水处理,大气污染治理,固废资源化,碳捕集,膜分离,脱硫脱硝,垃圾焚烧发电,生态修复,环境监测,重金属去除},{文物保护,智慧物流,建筑节能,海洋工程,轨道交通,食品安全检测,纺织印染,船舶制造,应急救援,智慧城市}}'
\set cores_en '{{"chip","integrated circuit","wafer-level packaging","photoresist","RF chip","power semiconductor","memory chip","SiC device","analog chip","chip testing"},{"monoclonal antibody","vaccine","gene editing","cell therapy","targeted small-molecule drug","herbal extract","medical dressing","in-vitro diagnostic reagent","sustained-release drug carrier","medical imaging"},{"large language model","computer vision","speech recognition","knowledge graph","reinforcement learning","AI chip","edge computing","autonomous-driving perception","industrial visual inspection","multimodal fusion"},{"industrial robot","CNC machine tool","additive manufacturing","precision reducer","laser welding","smart production line","servo motor","industrial internet platform","non-destructive testing","high-end bearing"},{"lithium-ion battery","solid-state battery","PV module","hydrogen fuel cell","energy storage system","wind turbine blade","perovskite solar cell","charging pile","battery management system","air-source heat pump"},{"graphene","carbon-fibre composite","superalloy","rare-earth permanent magnet","nano coating","bio-based material","special ceramic","polymer separation membrane","liquid-crystal material","aerogel"},{"blockchain","industrial software","database system","cyber security","5G communication","cloud platform","IoT terminal","operating system","privacy computing","BeiDou navigation"},{"new rice variety","biopesticide","smart irrigation","tea processing","aquaculture","soil remediation","livestock disease control","seed coating","protected agriculture","fruit and vegetable preservation"},{"wastewater treatment","air pollution control","solid waste recycling","carbon capture","membrane separation","desulfurization and denitrification","waste-to-energy","ecological restoration","environmental monitoring","heavy-metal removal"},{"heritage conservation","smart logistics","building energy saving","ocean engineering","rail transit","food safety testing","textile dyeing","shipbuilding","emergency rescue","smart city"}}'
\set prefixes '{一种,基于深度学习的,高效率,低功耗,高可靠性,新型,低成本,绿色,智能化,高精度,面向长三角产业的,模块化}'
\set prefixes_en '{"A","Deep-learning-based","High-efficiency","Low-power","Highly reliable","Novel","Low-cost","Green","Intelligent","High-precision","Industry-oriented","Modular"}'
\set suffixes '{制备方法,检测装置,控制系统,生产工艺,优化方法,关键技术,应用系统,及其应用,集成平台,评价方法,设计方法,成套装备}'
\set suffixes_en '{"preparation method","detection device","control system","production process","optimization method","key technology","application system","and its applications","integration platform","evaluation method","design method","equipment"}'
\set problems '{成本高、效率低,长期稳定性差,能耗偏高,关键部件依赖进口,精度不足,使用寿命短,工艺流程复杂,二次污染严重}'
\set methods '{多尺度协同设计方法,自适应控制算法,低温合成工艺,模块化集成方案,数据驱动的建模方法,微纳结构调控技术,分布式系统架构,闭环反馈机制}'
\set methods_en '{"multi-scale co-design","adaptive control","low-temperature synthesis","modular integration","data-driven modelling","micro-nano structure control","distributed architecture","closed-loop feedback"}'
\set approaches '{优化关键参数与结构设计,引入新型催化体系,构建高通量实验平台,融合多源异构数据,改进界面工程,采用国产化替代方案}'
\set effects '{性能与成本的平衡,关键指标的显著提升,全流程自动化,核心部件国产化替代,规模化稳定量产}'
\set verifiers '{第三方检测机构,省级科技成果鉴定,合作企业现场试用,国家重点实验室}'
\set metrics '{转换效率,产品良率,能量密度,检测精度,处理能力,使用寿命}'
\set sectors '{制造业企业,中小企业技术升级,新能源汽车产业链,医疗机构,农业合作社,环保工程公司,电子信息企业,化工园区}'
\set purposes '{在现有产线上开展中试验证,用于新产品样机开发,评估替代进口方案的可行性,与自有工艺集成测试,面向客户开展小批量试产,验证技术指标能否满足招标要求}'
\set decline_reasons '{试用期间需要的配套设备尚未就绪,该成果已有独占试用在进行,申请材料不完整}'
\set return_reasons '{技术指标未达到预期,与现有产线不兼容,市场需求发生变化,改造成本超出预算}'
\set kinds '{invention_patent,invention_patent,invention_patent,invention_patent,invention_patent,invention_patent,invention_patent,invention_patent,invention_patent,invention_patent,utility_model,utility_model,utility_model,software_copyright,software_copyright,software_copyright,technical_secret,technical_secret,design_patent,other}'
\set modes '{lump_sum,installments,royalty,lump_sum_plus_royalty,equity}'
\set trial_months '{3,6,6,12,12,12,18,24}'

-- ---------------------------------------------------------------------------------------------
-- Helpers for this load only

-- GB 11714 organisation check character of 8 digits.
CREATE FUNCTION pg_temp.organisation_check(body text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE 11 - s % 11 WHEN 10 THEN 'X' WHEN 11 THEN '0' ELSE (11 - s % 11)::text END
      FROM (SELECT sum(substr(body, k, 1)::int * (ARRAY[3, 7, 9, 10, 5, 8, 4, 2])[k]) AS s
              FROM generate_series(1, 8) AS k) AS x
$$;

-- GB 32100 check character of the first 17 characters of a credit code.
CREATE FUNCTION pg_temp.credit_check(code text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT substr(alphabet, ((31 - s % 31) % 31 + 1)::int, 1)
      FROM (SELECT '0123456789ABCDEFGHJKLMNPQRTUWXY' AS alphabet) AS a,
           LATERAL (SELECT sum((strpos(a.alphabet, substr(code, k, 1)) - 1)
                               * (ARRAY[1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10,
                                        30, 28])[k]) AS s
                      FROM generate_series(1, 17) AS k) AS x
$$;

-- A Chinese patent application number ZL YYYY T NNNNNNN . C (weights 2..9, then 2.. again).
CREATE FUNCTION pg_temp.patent_number(year int, type int, serial int) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT 'ZL' || d || '.' || CASE s % 11 WHEN 10 THEN 'X' ELSE (s % 11)::text END
      FROM (SELECT year::text || type::text || lpad(serial::text, 7, '0') AS d) AS x,
           LATERAL (SELECT sum(substr(x.d, k, 1)::int * (2 + (k - 1) % 8)) AS s
                      FROM generate_series(1, 12) AS k) AS y
$$;

-- A uniform pseudo-random integer in [0, n) for (id, salt): the same every run.
CREATE FUNCTION pg_temp.pick(id bigint, salt bigint, n int) RETURNS int
LANGUAGE sql IMMUTABLE AS $$
    SELECT ((hashint8extended(id, salt) & 2147483647) % n)::int
$$;

-- ---------------------------------------------------------------------------------------------
-- Drop what the load would maintain row by row: secondary indexes and foreign keys

CREATE TEMP TABLE seed_indexes AS
SELECT c.relname AS table_name, ix.relname AS name, pg_get_indexdef(i.indexrelid) AS def
  FROM pg_index i
  JOIN pg_class c ON c.oid = i.indrelid
  JOIN pg_class ix ON ix.oid = i.indexrelid
 WHERE c.relname IN ('achievements', 'trials', 'licenses', 'installments', 'payments',
                     'compensations', 'enterprises', 'institutions')
   AND c.relnamespace = 'public'::regnamespace
   AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid);

CREATE TEMP TABLE seed_foreign_keys AS
SELECT k.conrelid::regclass::text AS table_name, k.conname AS name,
       pg_get_constraintdef(k.oid) AS def
  FROM pg_constraint k
 WHERE k.contype = 'f' AND k.connamespace = 'public'::regnamespace
   AND k.conrelid::regclass::text IN ('achievements', 'trials', 'licenses', 'installments',
                                      'payments', 'compensations', 'users');

DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT * FROM seed_foreign_keys LOOP
        EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', r.table_name, r.name);
    END LOOP;
    FOR r IN SELECT * FROM seed_indexes LOOP
        EXECUTE format('DROP INDEX %I', r.name);
    END LOOP;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- Organisations and bench users

-- Province by id: 2 in 10 SH, 3 JS, 3 ZJ, 2 AH (for institutions and enterprises alike).
INSERT INTO institutions (id, name, name_en, province, kind, contact_name, created_at)
OVERRIDING SYSTEM VALUE
SELECT i, city || subject || CASE kind WHEN 'university' THEN '大学' WHEN 'institute' THEN '研究院'
                                       WHEN 'hospital' THEN '医学中心' ELSE '技术转移中心' END,
       city_en || ' ' || CASE kind WHEN 'university' THEN 'University of ' || subject_en
                                   WHEN 'institute' THEN 'Institute of ' || subject_en
                                   WHEN 'hospital' THEN 'Medical Centre'
                                   ELSE 'Technology Transfer Centre' END,
       province, kind, contact, now() - interval '1200 days'
  FROM (SELECT i, p AS province,
               (:'cities'::text[])[pn][1 + pg_temp.pick(i, 1, 6)] AS city,
               (:'cities_en'::text[])[pn][1 + pg_temp.pick(i, 1, 6)] AS city_en,
               (:'subjects'::text[])[1 + pg_temp.pick(i, 2, 10)] AS subject,
               (:'subjects_en'::text[])[1 + pg_temp.pick(i, 2, 10)] AS subject_en,
               (ARRAY['university', 'university', 'university', 'institute', 'institute',
                      'hospital', 'other'])[1 + pg_temp.pick(i, 3, 7)] AS kind,
               (:'surnames'::text[])[1 + pg_temp.pick(i, 4, 20)]
                   || (:'given'::text[])[1 + pg_temp.pick(i, 5, 20)] AS contact
          FROM generate_series(1, :institutions) AS i,
               LATERAL (SELECT (:'provinces'::text[])[1 + i % 10] AS p) AS pp,
               LATERAL (SELECT array_position(ARRAY['SH', 'JS', 'ZJ', 'AH'], pp.p) AS pn) AS q
       ) AS s;

-- Enterprises 1..:enterprises take the trials; the next :bench_enterprises are the bench users'.
INSERT INTO enterprises (id, name, credit_code, province, scale, contact_name, created_at)
OVERRIDING SYSTEM VALUE
SELECT e, city || b1 || b2 || industry || '有限公司',
       code17 || pg_temp.credit_check(code17), province,
       (ARRAY['micro', 'small', 'small', 'medium'])[1 + e % 4], contact,
       now() - interval '1000 days' + e * interval '1 minute'
  FROM (SELECT e, p AS province,
               (:'cities'::text[])[pn][1 + pg_temp.pick(e, 11, 6)] AS city,
               (:'brands1'::text[])[1 + pg_temp.pick(e, 12, 20)] AS b1,
               (:'brands2'::text[])[1 + pg_temp.pick(e, 13, 20)] AS b2,
               (:'industries'::text[])[1 + pg_temp.pick(e, 14, 20)] AS industry,
               (:'surnames'::text[])[1 + pg_temp.pick(e, 15, 20)]
                   || (:'given'::text[])[1 + pg_temp.pick(e, 16, 20)] AS contact,
               '91' || (ARRAY['310115', '320506', '330106', '340104'])[pn] || body
                   || pg_temp.organisation_check(body) AS code17
          FROM generate_series(1, :enterprises + :bench_enterprises) AS e,
               LATERAL (SELECT (:'provinces'::text[])[1 + e % 10] AS p,
                               lpad(((e * 7919 + 13) % 100000000)::text, 8, '0') AS body) AS pp,
               LATERAL (SELECT array_position(ARRAY['SH', 'JS', 'ZJ', 'AH'], pp.p) AS pn) AS q
       ) AS s;

INSERT INTO users (email, password_hash, role, institution_id, contact_name)
SELECT 'inst' || i || '@bench.techpool.cn', a.password_hash, 'institution', i, '试用审批' || i
  FROM generate_series(1, :bench_institutions) AS i,
       (SELECT password_hash FROM users WHERE email = :'admin_email') AS a;

INSERT INTO users (email, password_hash, role, enterprise_id, contact_name)
SELECT 'ent' || n || '@bench.techpool.cn', a.password_hash, 'enterprise', :enterprises + n,
       '技术负责人' || n
  FROM generate_series(1, :bench_enterprises) AS n,
       (SELECT password_hash FROM users WHERE email = :'admin_email') AS a;

-- ---------------------------------------------------------------------------------------------
-- Achievements: created over three years, newest last (the highest ids)
--
-- search_grams: computing search_grams_of() on every row costs about 0.2 ms a row (most of the
-- achievements' load). The grams of a text joined from parts are the grams of each part plus the
-- bigram across each joint, and the fields are separate (newline-joined) in search_grams_of, so
-- the grams are computed once per distinct part (titles, keywords and the five sentences of the
-- abstract repeat across rows) and joined by tsvector union. A sample is checked against
-- search_grams_of() below.

CREATE TEMP TABLE seed_achievements AS
SELECT a.id, a.institution_id, (:'provinces'::text[])[1 + a.institution_id % 10] AS province,
       (:'prefixes'::text[])[1 + w.pre] || c.term || (:'suffixes'::text[])[1 + w.suf] AS title,
       (:'prefixes_en'::text[])[1 + w.pre] || ' ' || c.core_en || ' '
           || (:'suffixes_en'::text[])[1 + w.suf] AS title_en,
       '本成果针对' || (:'sectors'::text[])[1 + w.sector] || '中' || c.term || '存在的'
           || (:'problems'::text[])[1 + w.problem] || '等问题，' AS s1,
       '提出了一种' || (:'methods'::text[])[1 + w.method] || '，通过'
           || (:'approaches'::text[])[1 + w.approach] || '，实现了'
           || (:'effects'::text[])[1 + w.effect] || '。' AS s2,
       '经' || (:'verifiers'::text[])[1 + w.verifier] || '验证，'
           || (:'metrics'::text[])[1 + w.metric] || '提升' || (8 + w.gain) || '%，' AS s3,
       '已在' || (:'cities'::text[])[1 + w.province_n][1 + w.city] || '完成中试，适用于'
           || (:'sectors'::text[])[1 + (w.sector + 3) % 8] || '。' AS s4,
       'Key terms: ' || c.core_en || ', ' || (:'methods_en'::text[])[1 + w.method] || '.' AS s5,
       (:'fields'::text[])[1 + w.field] AS field,
       CASE WHEN w.field = 0 AND w.kind % 5 = 0 THEN 'ic_layout'
            WHEN w.field = 7 AND w.kind % 5 = 0 THEN 'plant_variety'
            ELSE (:'kinds'::text[])[1 + w.kind] END AS kind,
       CASE (:'kinds'::text[])[1 + w.kind]
            WHEN 'invention_patent' THEN ARRAY[pg_temp.patent_number(2015 + w.year, 1, a.id::int)]
            WHEN 'utility_model' THEN ARRAY[pg_temp.patent_number(2015 + w.year, 2, a.id::int),
                                            pg_temp.patent_number(2016 + w.year, 2, a.id::int + 1)]
            WHEN 'design_patent' THEN ARRAY[pg_temp.patent_number(2015 + w.year, 3, a.id::int)]
            ELSE '{}'::text[] END AS patent_numbers,
       ARRAY[c.term, c.core_en, (:'field_labels'::text[])[1 + w.field]] AS keywords,
       (3 + w.maturity)::smallint AS maturity,
       (:'trial_months'::int[])[1 + w.months]::smallint AS trial_months,
       (:'modes'::text[])[1 + w.mode] AS payment_mode,
       (10 + w.fee) * 100000::bigint AS reference_fee_fen,
       CASE WHEN w.mode IN (2, 3) THEN 100 + 50 * w.royalty ELSE 0 END AS royalty_bp,
       w.exclusive, w.open_license,
       CASE a.id % 20 WHEN 0 THEN 'draft' WHEN 1 THEN 'pending' WHEN 2 THEN 'rejected'
                      WHEN 3 THEN CASE WHEN w.exclusive THEN 'licensed' ELSE 'withdrawn' END
                      ELSE 'listed' END AS status,
       CASE WHEN a.id % 20 = 2 THEN '请补充第三方检测报告和专利权属证明' END AS reject_reason,
       now() - interval '1100 days' + a.id * (interval '1090 days' / :achievements) AS created_at
  FROM (SELECT id, 1 + pg_temp.pick(id, 20, :institutions) AS institution_id
          FROM generate_series(1, :achievements) AS id) AS a,
       LATERAL (SELECT pg_temp.pick(a.id, 21, 10) AS field, pg_temp.pick(a.id, 22, 10) AS core,
                       pg_temp.pick(a.id, 23, 12) AS pre, pg_temp.pick(a.id, 24, 12) AS suf,
                       pg_temp.pick(a.id, 25, 8) AS sector, pg_temp.pick(a.id, 26, 8) AS problem,
                       pg_temp.pick(a.id, 27, 8) AS method, pg_temp.pick(a.id, 28, 6) AS approach,
                       pg_temp.pick(a.id, 29, 5) AS effect, pg_temp.pick(a.id, 30, 4) AS verifier,
                       pg_temp.pick(a.id, 31, 6) AS metric, pg_temp.pick(a.id, 32, 40) AS gain,
                       pg_temp.pick(a.id, 33, 4) AS province_n, pg_temp.pick(a.id, 34, 6) AS city,
                       pg_temp.pick(a.id, 35, 20) AS kind, pg_temp.pick(a.id, 36, 10) AS year,
                       pg_temp.pick(a.id, 37, 7) AS maturity, pg_temp.pick(a.id, 38, 8) AS months,
                       pg_temp.pick(a.id, 39, 5) AS mode, pg_temp.pick(a.id, 40, 200) AS fee,
                       pg_temp.pick(a.id, 41, 19) AS royalty,
                       pg_temp.pick(a.id, 42, 100) < 15 AS exclusive,
                       pg_temp.pick(a.id, 43, 4) = 0 AND pg_temp.pick(a.id, 42, 100) >= 15
                           AS open_license) AS w,
       LATERAL (SELECT (:'cores'::text[])[1 + w.field][1 + w.core] AS term,
                       (:'cores_en'::text[])[1 + w.field][1 + w.core] AS core_en) AS c;

-- Parts whose words come from the same picks go together (newline-separated, as the fields are
-- in search_grams_of): the titles with the keywords, and the second sentence with the bigrams
-- across the joints of the abstract's sentences.
ALTER TABLE seed_achievements ADD COLUMN names text, ADD COLUMN s2_joints text;
UPDATE seed_achievements
   SET names = title || E'\n' || title_en || E'\n' || array_to_string(keywords, E'\n'),
       s2_joints = s2 || E'\n' || right(s1, 1) || left(s2, 1) || E'\n' || right(s2, 1)
                   || left(s3, 1) || E'\n' || right(s3, 1) || left(s4, 1) || E'\n'
                   || right(s4, 1) || left(s5, 1);

CREATE TEMP TABLE seed_part_grams AS
SELECT part, search_grams_of(part, NULL, NULL, NULL) AS grams
  FROM (SELECT names FROM seed_achievements UNION SELECT s1 FROM seed_achievements
        UNION SELECT s2_joints FROM seed_achievements UNION SELECT s3 FROM seed_achievements
        UNION SELECT s4 FROM seed_achievements UNION SELECT s5 FROM seed_achievements) AS p(part);
ANALYZE seed_part_grams;
-- the grams of each rank (0039): titles, and keywords, once per distinct value
CREATE TEMP TABLE seed_title_grams AS
SELECT title, title_en, search_grams_of(title, title_en, NULL, NULL) AS grams
  FROM (SELECT DISTINCT title, title_en FROM seed_achievements) AS t;
CREATE TEMP TABLE seed_keyword_grams AS
SELECT keywords, search_grams_of(NULL, NULL, NULL, keywords) AS grams
  FROM (SELECT DISTINCT keywords FROM seed_achievements) AS k;

INSERT INTO achievements (id, institution_id, province, title, title_en, abstract, field, kind,
                          patent_numbers, keywords, maturity, trial_months, payment_mode,
                          reference_fee_fen, fee_schedule, royalty_bp, exclusive, open_license,
                          status, reject_reason, created_at, updated_at, version, search_grams,
                          title_grams, keyword_grams)
OVERRIDING SYSTEM VALUE
SELECT a.id, a.institution_id, a.province, a.title, a.title_en, a.s1 || a.s2 || a.s3 || a.s4 || a.s5,
       a.field, a.kind, a.patent_numbers, a.keywords, a.maturity, a.trial_months, a.payment_mode,
       a.reference_fee_fen, fee_schedule_default(a.reference_fee_fen), a.royalty_bp, a.exclusive,
       a.open_license, a.status, a.reject_reason,
       a.created_at, a.created_at + interval '3 days', CASE WHEN a.status = 'draft' THEN 1 ELSE 3 END,
       g4.grams || g2.grams || g3.grams || g5.grams || g1.grams || gn.grams, tg.grams, kg.grams
  FROM seed_achievements a
  JOIN seed_title_grams tg ON tg.title = a.title AND tg.title_en = a.title_en
  JOIN seed_keyword_grams kg ON kg.keywords = a.keywords
  JOIN seed_part_grams gn ON gn.part = a.names
  JOIN seed_part_grams g1 ON g1.part = a.s1
  JOIN seed_part_grams g2 ON g2.part = a.s2_joints
  JOIN seed_part_grams g3 ON g3.part = a.s3
  JOIN seed_part_grams g4 ON g4.part = a.s4
  JOIN seed_part_grams g5 ON g5.part = a.s5
 ORDER BY a.id;

SELECT count(*) AS wrong_grams, count(*) <> 0 AS grams_wrong
  FROM achievements
 WHERE id % 97 = 0 AND (search_grams <> search_grams_of(title, title_en, abstract, keywords)
                        OR title_grams <> search_grams_of(title, title_en, NULL, NULL)
                        OR keyword_grams <> search_grams_of(NULL, NULL, NULL, keywords)) \gset
\if :grams_wrong
\echo 'seed: search_grams differs from search_grams_of() on' :wrong_grams 'sampled achievements'
SELECT 1/0 AS grams_wrong;
\endif

-- The gram counts that the search plans with (their trigger does not fire under replica).
SELECT search_gram_counts_rebuild();

-- ---------------------------------------------------------------------------------------------
-- Trials: trial i is the k-th (k = (i-1) / count) on the j-th achievement that was ever listed
-- (j = (i-1) % count + 1), requested over the last 900 days in id order.

CREATE TEMP TABLE seed_listed AS
SELECT row_number() OVER (ORDER BY id) AS n, id, institution_id, province, exclusive, status,
       trial_months
  FROM achievements WHERE status IN ('listed', 'withdrawn', 'licensed');
ALTER TABLE seed_listed ADD PRIMARY KEY (n);
SELECT count(*) AS listed_count FROM seed_listed \gset

INSERT INTO trials (id, achievement_id, institution_id, institution_province, enterprise_id,
                    enterprise_province, exclusive, purpose, planned_months, status,
                    requested_at, started_on, ends_on, closed_at, close_reason, license_id)
OVERRIDING SYSTEM VALUE
SELECT i, achievement_id, institution_id, institution_province, enterprise_id,
       (:'provinces'::text[])[1 + enterprise_id % 10], exclusive, purpose, planned_months,
       status, requested_at,
       CASE WHEN status IN ('active', 'converted', 'returned', 'expired') THEN started_on END,
       CASE WHEN status IN ('active', 'converted', 'returned', 'expired') THEN ends_on END,
       CASE WHEN status IN ('declined', 'cancelled')
                THEN least(requested_at + (1 + h_close % 72) * interval '1 hour',
                           now() - interval '1 minute')
            WHEN status IN ('converted', 'returned')
                THEN least((started_on + h_close % (greatest(least(ends_on, today) - started_on, 0) + 1)
                            + time '10:00')::timestamp AT TIME ZONE 'Asia/Shanghai',
                           now() - interval '1 minute')
            WHEN status = 'expired' THEN trial_expired_at(ends_on) END,
       CASE status WHEN 'declined' THEN (:'decline_reasons'::text[])[1 + h_close % 3]
                   WHEN 'returned' THEN (:'return_reasons'::text[])[1 + h_close % 4] END,
       CASE WHEN status = 'converted' THEN i END
  FROM (
    SELECT t.*,
           CASE WHEN base = 'active' AND exclusive AND k > 0 THEN 'returned'
                WHEN base = 'converted' AND exclusive AND NOT (ach_status = 'licensed' AND k = 0)
                    THEN 'returned'
                ELSE base END AS status
      FROM (
        SELECT t.*,
               CASE WHEN ach_status = 'licensed' AND k = 0 THEN 'converted'
                    WHEN s < 8 THEN 'declined'
                    WHEN s < 13 THEN 'cancelled'
                    WHEN started_on > today THEN 'requested'
                    WHEN ends_on >= today THEN CASE WHEN s < 60 THEN 'active'
                                                    WHEN s < 75 THEN 'returned'
                                                    ELSE 'converted' END
                    WHEN s < 14 THEN 'active'
                    WHEN s < 45 THEN 'converted'
                    WHEN s < 70 THEN 'returned'
                    ELSE 'expired' END AS base
          FROM (
            SELECT t.*, (started_on + make_interval(months => planned_months))::date AS ends_on
              FROM (
                SELECT i, k, l.id AS achievement_id, l.institution_id,
                       l.province AS institution_province, l.exclusive, l.status AS ach_status,
                       1 + ((l.n * 7919 + k * 2003) % :enterprises) AS enterprise_id,
                       (:'purposes'::text[])[1 + pg_temp.pick(i, 50, 6)] AS purpose,
                       (1 + pg_temp.pick(i, 51, l.trial_months))::smallint AS planned_months,
                       pg_temp.pick(i, 52, 100) AS s,
                       pg_temp.pick(i, 53, 1000000) AS h_close,
                       requested_at, tp_date(requested_at) + 1 + pg_temp.pick(i, 54, 10)
                           AS started_on,
                       tp_today() AS today
                  FROM generate_series(1, :trials) AS i,
                       LATERAL (SELECT (i - 1) / :listed_count AS k,
                                       (i - 1) % :listed_count + 1 AS j,
                                       now() - interval '1 hour'
                                           - (:trials - i) * (interval '900 days' / :trials)
                                           AS requested_at) AS x
                  JOIN seed_listed l ON l.n = x.j
                OFFSET 0) AS t
            OFFSET 0) AS t
        OFFSET 0) AS t
    OFFSET 0) AS t;

-- ---------------------------------------------------------------------------------------------
-- Licenses (one per converted trial, with its id), installments every six months, payments
-- on the oldest installments first; about one in ten defaulted, half of those claimed.

CREATE TEMP TABLE seed_plan AS
SELECT id, achievement_id, institution_id, institution_province, enterprise_id,
       enterprise_province, payment_mode, total_fen, royalty_bp, signed_at, n, base_fen, due_count,
       CASE WHEN n = 0 THEN 'active'
            WHEN s < 45 THEN 'settled'
            WHEN s < 60 AND due_count > 0
                 AND (tp_date(signed_at) + make_interval(months => 6 * (h % due_count + 1)))::date
                     + 90 < tp_today() THEN 'defaulted'
            ELSE 'active' END AS status, h
  FROM (
    SELECT t.id, t.achievement_id, t.institution_id, t.institution_province, t.enterprise_id,
           t.enterprise_province, m.payment_mode, m.n,
           CASE WHEN m.n = 0 THEN 0 ELSE (50 + pg_temp.pick(t.id, 61, 4950)) * 100000::bigint END
               AS total_fen,
           0::bigint AS base_fen,
           CASE WHEN m.payment_mode IN ('royalty', 'lump_sum_plus_royalty')
                THEN 100 + 50 * pg_temp.pick(t.id, 62, 19) ELSE 0 END AS royalty_bp,
           t.closed_at AS signed_at,
           (SELECT count(*) FROM generate_series(1, m.n) AS q
             WHERE (tp_date(t.closed_at) + make_interval(months => 6 * q))::date < tp_today())::int
               AS due_count,
           pg_temp.pick(t.id, 63, 100) AS s, pg_temp.pick(t.id, 64, 1000000) AS h
      FROM trials t,
           LATERAL (SELECT (:'modes'::text[])[1 + pg_temp.pick(t.id, 60, 5)] AS payment_mode) AS p,
           LATERAL (SELECT p.payment_mode,
                           CASE p.payment_mode WHEN 'lump_sum' THEN 1
                                WHEN 'installments' THEN 2 + pg_temp.pick(t.id, 65, 3)
                                WHEN 'lump_sum_plus_royalty' THEN 1 + pg_temp.pick(t.id, 65, 2)
                                ELSE pg_temp.pick(t.id, 65, 2) END AS n) AS m
     WHERE t.status = 'converted'
  ) AS x;
UPDATE seed_plan SET base_fen = total_fen / greatest(n, 1);

-- Each installment: seq, due_on, amount (the last takes the remainder), paid: the first `full`
-- in full, the next `partial` fen (settled: all; defaulted: fewer than the due ones; active:
-- all the due ones, and something on the next).
CREATE TEMP TABLE seed_installments AS
SELECT p.id AS license_id, q AS seq,
       (tp_date(p.signed_at) + make_interval(months => 6 * q))::date AS due_on,
       CASE WHEN q = p.n THEN p.total_fen - p.base_fen * (p.n - 1) ELSE p.base_fen END AS amount_fen,
       p.status, p.h, p.n, p.due_count
  FROM seed_plan p, generate_series(1, p.n) AS q;
ALTER TABLE seed_installments ADD COLUMN paid_fen bigint;
UPDATE seed_installments SET paid_fen = CASE
    WHEN status = 'settled' THEN amount_fen
    WHEN status = 'defaulted' THEN CASE WHEN seq <= h % due_count THEN amount_fen
                                        WHEN seq = h % due_count + 1 THEN amount_fen * (h % 50) / 100
                                        ELSE 0 END
    ELSE CASE WHEN seq <= due_count THEN amount_fen
              WHEN seq = due_count + 1 THEN amount_fen * (h % 40) / 100
              ELSE 0 END END;

-- An active license whose installments are all paid is settled.
UPDATE seed_plan p SET status = 'settled'
  FROM (SELECT license_id FROM seed_installments GROUP BY license_id
         HAVING bool_and(paid_fen = amount_fen)) AS f
 WHERE f.license_id = p.id AND p.status = 'active' AND p.n > 0;

INSERT INTO licenses (id, trial_id, achievement_id, institution_id, institution_province,
                      enterprise_id, enterprise_province, payment_mode, total_fen, issued_fen,
                      royalty_bp, paid_fen, status, signed_at, defaulted_at)
OVERRIDING SYSTEM VALUE
SELECT p.id, p.id, p.achievement_id, p.institution_id, p.institution_province, p.enterprise_id,
       p.enterprise_province, p.payment_mode, p.total_fen, p.total_fen, p.royalty_bp,
       coalesce(paid.fen, 0), p.status, p.signed_at,
       CASE WHEN p.status = 'defaulted'
            THEN least((paid.first_unpaid + 95)::timestamp AT TIME ZONE 'Asia/Shanghai',
                       now() - interval '1 minute') END
  FROM seed_plan p
  LEFT JOIN (SELECT license_id, sum(paid_fen) AS fen,
                    min(due_on) FILTER (WHERE paid_fen < amount_fen) AS first_unpaid
               FROM seed_installments GROUP BY license_id) AS paid ON paid.license_id = p.id;

INSERT INTO installments (license_id, seq, due_on, amount_fen, paid_fen)
SELECT license_id, seq, due_on, amount_fen, paid_fen FROM seed_installments;

INSERT INTO payments (license_id, amount_fen, paid_on, reference, recorded_at)
SELECT license_id, paid_fen, paid_on, 'BANK-' || license_id || '-' || seq,
       (paid_on + time '10:00')::timestamp AT TIME ZONE 'Asia/Shanghai'
  FROM (SELECT license_id, seq, paid_fen,
               least(due_on - (h % 20)::int, tp_today() - 1) AS paid_on
          FROM seed_installments WHERE paid_fen > 0 ORDER BY license_id, seq) AS x;

INSERT INTO compensations (license_id, province, outstanding_fen, ratio_bp, amount_fen, status,
                           reason, decided_by, decided_at, decision_reason, created_at)
SELECT l.id, l.institution_province, l.total_fen - l.paid_fen, 5000,
       compensation_amount_fen(l.total_fen - l.paid_fen, 5000), c.status,
       '被许可企业逾期九十日以上未付款', CASE WHEN c.status <> 'pending' THEN a.id END,
       CASE WHEN c.status <> 'pending' THEN least(l.defaulted_at + interval '10 days', now()) END,
       CASE WHEN c.status = 'rejected' THEN '逾期款项已由企业补缴' END, l.defaulted_at
  FROM licenses l,
       LATERAL (SELECT (ARRAY['pending', 'approved', 'approved', 'rejected'])
                           [1 + pg_temp.pick(l.id, 70, 4)] AS status) AS c,
       (SELECT id FROM users WHERE email = :'admin_email') AS a
 WHERE l.status = 'defaulted' AND pg_temp.pick(l.id, 71, 2) = 0;

-- ---------------------------------------------------------------------------------------------
-- Identity sequences past the loaded ids; indexes and foreign keys back (validating them)

SELECT setval(pg_get_serial_sequence('institutions', 'id'), (SELECT max(id) + 1 FROM institutions), false),
       setval(pg_get_serial_sequence('enterprises', 'id'), (SELECT max(id) + 1 FROM enterprises), false),
       setval(pg_get_serial_sequence('achievements', 'id'), (SELECT max(id) + 1 FROM achievements), false),
       setval(pg_get_serial_sequence('trials', 'id'), (SELECT max(id) + 1 FROM trials), false),
       setval(pg_get_serial_sequence('licenses', 'id'),
              (SELECT coalesce(max(id), 0) + 1 FROM licenses), false);

SET max_parallel_maintenance_workers = 2;
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT * FROM seed_indexes LOOP
        EXECUTE r.def;
    END LOOP;
    FOR r IN SELECT * FROM seed_foreign_keys LOOP
        EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I %s', r.table_name, r.name, r.def);
    END LOOP;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- The books balance: installments add up to total_fen; paid_fen = their paid_fen = the payments

SELECT count(*) AS unbalanced_licenses, count(*) <> 0 AS unbalanced
  FROM licenses l
  LEFT JOIN (SELECT license_id, sum(amount_fen) AS planned, sum(paid_fen) AS paid
               FROM installments GROUP BY license_id) AS i ON i.license_id = l.id
  LEFT JOIN (SELECT license_id, sum(amount_fen) AS received FROM payments GROUP BY license_id)
       AS p ON p.license_id = l.id
 WHERE coalesce(i.planned, 0) <> l.total_fen OR coalesce(i.paid, 0) <> l.paid_fen
    OR coalesce(p.received, 0) <> l.paid_fen \gset
\if :unbalanced
\echo 'seed: the books of' :unbalanced_licenses 'licenses do not balance'
SELECT 1/0 AS books_unbalanced;
\endif

RESET session_replication_role;
VACUUM ANALYZE;
