-- demo: a living pool for `make run` and for trying the service by hand — administrators,
-- universities and institutes of the four provinces with their staff, SMEs, a few hundred
-- achievements, and trials, licenses (with royalty reports), payments and compensation claims
-- in every state; patent open-license declarations and licenses taken from them; licenses
-- recorded with the patent office (some overdue) and one registered technology contract.
--
-- Run by `techpool seed-demo` inside one transaction, after it has put the argon2id hash of the
-- demo password into the temporary table demo_settings. When the pool already has
-- institutions the file does nothing, so running it again changes nothing.
--
-- Rows are written through the schema's own guards (0001): every row is born in its first
-- state and moves only by legal transitions, and the books of every license balance at commit.
-- To give the pool a history, the service clock (techpool.today) is moved to each event's day
-- while that event is written, and put back at the end; "today" is the day the file runs.
-- Identifiers check out as the daemon checks them: credit codes (GB 32100) were computed with
-- the algorithm of src/domain/credit_code.c, patent check digits are computed below with the
-- one of src/domain/patent_number.c, and tests/api/test_demo.c verifies both with the C code.
--
-- The demo accounts (every password is the one seed-demo prints) are listed by deploy/run.sh.

-- ---------------------------------------------------------------------------------------------
-- Administrators, institutions with their staff, enterprises with their staff

DO $people$
DECLARE
    demo_hash text := (SELECT s.password_hash FROM demo_settings s);
    today date := tp_today();
BEGIN
    IF EXISTS (SELECT 1 FROM institutions) THEN
        RETURN;
    END IF;
    IF demo_hash IS NULL THEN
        RAISE EXCEPTION 'demo_settings holds no password hash';
    END IF;
    -- the later blocks load only when this one did, and all share one "today"
    PERFORM set_config('techpool.demo_load', 'yes', true);
    PERFORM set_config('techpool.demo_today', to_char(today, 'YYYY-MM-DD'), true);
    PERFORM set_config('techpool.demo_saved_today',
                       coalesce(current_setting('techpool.today', true), ''), true);

    PERFORM set_config('techpool.today', to_char(today - 800, 'YYYY-MM-DD'), true);
    INSERT INTO users (email, password_hash, role, province, contact_name)
    VALUES ('admin@techpool.demo', demo_hash, 'admin', NULL, '长三角技术许可池管理员'),
           ('admin.sh@techpool.demo', demo_hash, 'province_admin', 'SH', '上海市科委 许可池专员'),
           ('admin.js@techpool.demo', demo_hash, 'province_admin', 'JS', '江苏省科技厅 许可池专员'),
           ('admin.zj@techpool.demo', demo_hash, 'province_admin', 'ZJ', '浙江省科技厅 许可池专员'),
           ('admin.ah@techpool.demo', demo_hash, 'province_admin', 'AH', '安徽省科技厅 许可池专员')
    ON CONFLICT ON CONSTRAINT users_email_unique DO NOTHING;

    -- one technology transfer office account per institution: tto@<short>.demo
    PERFORM set_config('techpool.today', to_char(today - 780, 'YYYY-MM-DD'), true);
    WITH org (short, name, name_en, province, kind, contact) AS (VALUES
        ('sjtu', '上海交通大学', 'Shanghai Jiao Tong University', 'SH', 'university', '张伟'),
        ('fudan', '复旦大学', 'Fudan University', 'SH', 'university', '李娜'),
        ('tongji', '同济大学', 'Tongji University', 'SH', 'university', '王磊'),
        ('sim', '中国科学院上海微系统与信息技术研究所',
         'Shanghai Institute of Microsystem and Information Technology, CAS', 'SH', 'institute',
         '刘洋'),
        ('ruijin', '上海交通大学医学院附属瑞金医院',
         'Ruijin Hospital, Shanghai Jiao Tong University School of Medicine', 'SH', 'hospital',
         '陈静'),
        ('nju', '南京大学', 'Nanjing University', 'JS', 'university', '杨帆'),
        ('seu', '东南大学', 'Southeast University', 'JS', 'university', '黄强'),
        ('jitri', '江苏省产业技术研究院', 'Jiangsu Industrial Technology Research Institute', 'JS',
         'institute', '周敏'),
        ('suda', '苏州大学', 'Soochow University', 'JS', 'university', '吴昊'),
        ('njau', '南京农业大学', 'Nanjing Agricultural University', 'JS', 'university', '徐丽'),
        ('zju', '浙江大学', 'Zhejiang University', 'ZJ', 'university', '孙浩'),
        ('zhejianglab', '之江实验室', 'Zhejiang Lab', 'ZJ', 'institute', '马超'),
        ('zjut', '浙江工业大学', 'Zhejiang University of Technology', 'ZJ', 'university', '朱琳'),
        ('nimte', '中国科学院宁波材料技术与工程研究所',
         'Ningbo Institute of Materials Technology and Engineering, CAS', 'ZJ', 'institute',
         '胡斌'),
        ('ustc', '中国科学技术大学', 'University of Science and Technology of China', 'AH',
         'university', '郭鹏'),
        ('hfut', '合肥工业大学', 'Hefei University of Technology', 'AH', 'university', '何芳'),
        ('ahu', '安徽大学', 'Anhui University', 'AH', 'university', '高翔'),
        ('hfips', '中国科学院合肥物质科学研究院', 'Hefei Institutes of Physical Science, CAS', 'AH',
         'institute', '林涛'),
        ('ahau', '安徽农业大学', 'Anhui Agricultural University', 'AH', 'university', '罗琴')
    ), made AS (
        INSERT INTO institutions (name, name_en, province, kind, contact_name)
        SELECT name, name_en, province, kind, contact FROM org
        RETURNING id, name
    )
    INSERT INTO users (email, password_hash, role, institution_id, contact_name)
    SELECT 'tto@' || org.short || '.demo', demo_hash, 'institution', made.id,
           org.contact || '（技术转移中心）'
      FROM org JOIN made USING (name)
    ON CONFLICT ON CONSTRAINT users_email_unique DO NOTHING;

    -- SMEs across the four provinces; the first is the integrated-circuit SME of the demo
    PERFORM set_config('techpool.today', to_char(today - 430, 'YYYY-MM-DD'), true);
    WITH org (email, name, credit_code, province, contact) AS (VALUES
        ('engineer@xinxin-chip.demo', '芯芯微电子（苏州）有限公司', '91320594MA1MXC7KXT', 'JS',
         '陈志远'),
        ('staff@lanxin-sensing.demo', '上海澜芯传感科技有限公司', '91310115MA1FL5QN43', 'SH',
         '李文博'),
        ('bd@ruikang-bio.demo', '上海瑞康生物医药有限公司', '91310112MA1G8RT21B', 'SH', '王静怡'),
        ('tech@liyuan-energy.demo', '无锡锂源新能源科技有限公司', '91320214MA1NB3W60M', 'JS',
         '周海涛'),
        ('rd@zhixing-robot.demo', '杭州智行机器人有限公司', '91330108MA2H7KQ982', 'ZJ', '赵一鸣'),
        ('lab@yongcai-materials.demo', '宁波甬材新材料有限公司', '91330212MA2J0P4D8U', 'ZJ',
         '孙丽华'),
        ('eng@lianghe-equip.demo', '合肥量合智能装备有限公司', '91340104MA2RT6LX3L', 'AH',
         '吴建国'),
        ('env@lvyuan-eco.demo', '芜湖绿源环保科技有限公司', '91340202MA2U3H8B1J', 'AH', '郑晓东'),
        ('agri@hefeng-agri.demo', '嘉兴禾丰农业科技有限公司', '91330402MA2LC9Y14E', 'ZJ', '冯春燕'),
        ('qa@yikang-med.demo', '南京医康医疗器械有限公司', '91320115MA1Q2WE77A', 'JS', '何明')
    ), made AS (
        INSERT INTO enterprises (name, credit_code, province, scale, contact_name)
        SELECT name, credit_code, province,
               (ARRAY['small', 'medium', 'micro'])[1 + (row_number() OVER ()) % 3], contact
          FROM org
        ON CONFLICT ON CONSTRAINT enterprises_credit_code_unique DO NOTHING
        RETURNING id, credit_code
    )
    INSERT INTO users (email, password_hash, role, enterprise_id, contact_name)
    SELECT org.email, demo_hash, 'enterprise', made.id, org.contact
      FROM org JOIN made USING (credit_code)
    ON CONFLICT ON CONSTRAINT users_email_unique DO NOTHING;

    PERFORM set_config('techpool.today', current_setting('techpool.demo_saved_today'), true);
END
$people$;

-- ---------------------------------------------------------------------------------------------
-- Achievements: combinations of each field's subjects and techniques, each made by an
-- institution strong in that field, most of them reviewed and listed

DO $achievements$
DECLARE
    today date := current_setting('techpool.demo_today', true)::date;
    f record;
    n integer;
    made integer := 0;
    o integer;
    t integer;
    kind text;
    subject text;
    subject_en text;
    technique text;
    technique_en text;
    title text;
    title_en text;
    state text;
    roll integer;
    maturity integer;
    numbers text[];
    digits text;
    check_value integer;
    mode text;
    fee bigint;
    parts integer;
    schedule jsonb;
    created_on date;
    reviewed_on date;
    new_id bigint;
    pains text[] := ARRAY['成本高、批次一致性差', '能耗高、效率偏低', '核心部件依赖进口',
                          '精度不足、长期稳定性差'];
    gains text[] := ARRAY['建立了从设计、制备到测试验证的完整工艺流程',
                          '突破了关键结构设计与工艺集成难题',
                          '形成了具有自主知识产权的核心模块',
                          '实现了小型化、低成本和批量一致性'];
    modes text[] := ARRAY['installments', 'lump_sum', 'installments', 'lump_sum_plus_royalty',
                          'royalty', 'installments', 'equity', 'lump_sum'];
    trial_months integer[] := ARRAY[3, 6, 6, 12, 12, 24, 36];
    reject_reasons text[] := ARRAY['专利号与成果名称不一致，请核对后重新提交',
                                   '摘要未说明技术成熟度与应用场景，请补充',
                                   '参考许可费用缺少评估依据，请补充说明'];
BEGIN
    IF current_setting('techpool.demo_load', true) IS DISTINCT FROM 'yes' THEN
        RETURN;
    END IF;
    FOR f IN SELECT * FROM (VALUES
        ('integrated_circuits', '集成电路', 40,
         ARRAY[['车规级MCU芯片', 'automotive-grade MCU chip', '芯片'],
               ['低功耗物联网射频芯片', 'low-power IoT RF chip', '射频芯片'],
               ['RISC-V处理器芯片', 'RISC-V processor chip', 'RISC-V'],
               ['碳化硅功率器件', 'silicon carbide power device', '碳化硅'],
               ['硅光收发芯片', 'silicon photonic transceiver chip', '硅光'],
               ['存算一体芯片', 'compute-in-memory chip', '存算一体'],
               ['MEMS惯性传感器芯片', 'MEMS inertial sensor chip', 'MEMS'],
               ['晶圆级先进封装结构', 'wafer-level advanced packaging structure', '先进封装']],
         ARRAY[['自适应电源管理', 'adaptive power management'],
               ['三维异构集成', '3D heterogeneous integration'],
               ['深度学习缺陷检测', 'deep-learning defect inspection'],
               ['新型沟槽栅工艺', 'a trench-gate process'],
               ['片上自测试', 'built-in self-test'],
               ['低噪声模拟前端', 'a low-noise analogue front end']],
         ARRAY['新能源汽车电子', '工业控制', '消费电子', '数据中心'],
         ARRAY['能效', '良率', '集成度', '可靠性'],
         ARRAY['invention_patent', 'ic_layout', 'invention_patent', 'utility_model',
               'software_copyright', 'invention_patent', 'technical_secret'],
         ARRAY['sjtu', 'sim', 'seu', 'zju', 'ustc', 'fudan', 'nju', 'zhejianglab', 'hfut',
               'jitri']),
        ('biomedicine', '生物医药', 40,
         ARRAY[['小分子抗肿瘤药物', 'small-molecule anti-tumour drug', '抗肿瘤药物'],
               ['mRNA疫苗递送系统', 'delivery system for mRNA vaccines', '疫苗'],
               ['中药有效成分提取物', 'active extract of traditional Chinese medicine', '中药'],
               ['靶向药物缓释微球', 'targeted sustained-release drug microspheres', '缓释'],
               ['全人源单克隆抗体', 'fully human monoclonal antibody', '单克隆抗体'],
               ['新型降糖药物制剂', 'new hypoglycaemic drug formulation', '药物制剂'],
               ['可降解心血管支架', 'biodegradable cardiovascular stent', '医疗器械'],
               ['肿瘤早筛液体活检试剂盒', 'liquid-biopsy kit for early cancer screening',
                '体外诊断']],
         ARRAY[['连续流合成', 'continuous-flow synthesis'],
               ['脂质纳米颗粒包封', 'lipid nanoparticle encapsulation'],
               ['超临界二氧化碳萃取', 'supercritical CO2 extraction'],
               ['人工智能辅助分子设计', 'AI-assisted molecular design'],
               ['微流控制备', 'microfluidic preparation'],
               ['高通量筛选', 'high-throughput screening']],
         ARRAY['肿瘤治疗', '慢病管理', '传染病防控', '基层医疗'],
         ARRAY['收率', '纯度', '生物利用度', '检测灵敏度'],
         ARRAY['invention_patent', 'invention_patent', 'technical_secret', 'utility_model',
               'invention_patent'],
         ARRAY['fudan', 'ruijin', 'nju', 'zju', 'ustc', 'sjtu', 'suda', 'ahu']),
        ('artificial_intelligence', '人工智能', 36,
         ARRAY[['工业视觉质检系统', 'industrial vision inspection system', '机器视觉'],
               ['服务机器人', 'service robot', '机器人'],
               ['大语言模型推理引擎', 'large language model inference engine', '大模型'],
               ['智能网联汽车决策模块', 'decision module for connected vehicles', '自动驾驶'],
               ['医学影像辅助诊断系统', 'medical-imaging diagnosis assistant', '医学影像'],
               ['协作机械臂', 'collaborative robot arm', '机器人'],
               ['语音识别芯片', 'speech-recognition chip', '芯片'],
               ['知识图谱构建平台', 'knowledge-graph construction platform', '知识图谱']],
         ARRAY[['多模态融合', 'multimodal fusion'], ['小样本学习', 'few-shot learning'],
               ['强化学习', 'reinforcement learning'],
               ['模型量化压缩', 'model quantisation and compression'],
               ['联邦学习', 'federated learning'], ['具身智能', 'embodied intelligence']],
         ARRAY['智能制造', '智慧医疗', '智能交通', '智慧城市'],
         ARRAY['识别准确率', '推理速度', '响应时延', '部署成本'],
         ARRAY['invention_patent', 'software_copyright', 'invention_patent', 'software_copyright',
               'utility_model', 'technical_secret', 'invention_patent'],
         ARRAY['sjtu', 'nju', 'zhejianglab', 'ustc', 'tongji', 'seu', 'zju', 'hfut', 'ahu']),
        ('advanced_manufacturing', '高端装备制造', 36,
         ARRAY[['五轴联动数控机床', 'five-axis CNC machine tool', '数控机床'],
               ['工业机器人精密减速器', 'precision reducer for industrial robots', '减速器'],
               ['激光增材制造装备', 'laser additive manufacturing equipment', '增材制造'],
               ['航空发动机叶片', 'aero-engine blade', '航空'],
               ['高速精密轴承', 'high-speed precision bearing', '轴承'],
               ['智能焊接工作站', 'intelligent welding workstation', '焊接'],
               ['盾构机刀盘', 'tunnel boring machine cutterhead', '盾构'],
               ['半导体晶圆搬运机器人', 'semiconductor wafer-handling robot', '机器人']],
         ARRAY[['数字孪生', 'digital twin'], ['在线误差补偿', 'online error compensation'],
               ['拓扑优化设计', 'topology-optimised design'],
               ['振动主动抑制', 'active vibration suppression'],
               ['表面强化处理', 'surface strengthening'],
               ['多传感器状态监测', 'multi-sensor condition monitoring']],
         ARRAY['航空航天', '汽车零部件', '轨道交通', '半导体装备'],
         ARRAY['加工精度', '使用寿命', '生产节拍', '故障率降低幅度'],
         ARRAY['invention_patent', 'utility_model', 'design_patent', 'invention_patent',
               'utility_model', 'technical_secret', 'invention_patent'],
         ARRAY['sjtu', 'seu', 'zjut', 'hfut', 'tongji', 'jitri', 'zju', 'hfips']),
        ('new_energy', '新能源', 32,
         ARRAY[['固态锂电池', 'solid-state lithium battery', '锂电池'],
               ['钠离子电池正极材料', 'sodium-ion battery cathode', '钠离子电池'],
               ['钙钛矿光伏组件', 'perovskite photovoltaic module', '光伏'],
               ['质子交换膜燃料电池', 'proton exchange membrane fuel cell', '燃料电池'],
               ['储能变流器', 'energy-storage converter', '储能'],
               ['海上风电叶片', 'offshore wind turbine blade', '风电'],
               ['动力电池管理系统', 'traction battery management system', '锂电池'],
               ['绿氢电解槽', 'green-hydrogen electrolyser', '氢能']],
         ARRAY[['原位固化', 'in-situ solidification'], ['界面修饰', 'interface modification'],
               ['宽禁带器件驱动', 'wide-bandgap device drive'],
               ['热失控预警', 'thermal-runaway early warning'],
               ['低铂催化剂', 'a low-platinum catalyst'],
               ['数字化运维', 'digital operation and maintenance']],
         ARRAY['新能源汽车', '电网储能', '分布式光伏', '氢能交通'],
         ARRAY['能量密度', '循环寿命', '转换效率', '度电成本降低幅度'],
         ARRAY['invention_patent', 'utility_model', 'invention_patent', 'technical_secret',
               'invention_patent'],
         ARRAY['ustc', 'sjtu', 'jitri', 'nimte', 'hfips', 'tongji', 'nju', 'zju', 'hfut']),
        ('new_materials', '新材料', 32,
         ARRAY[['石墨烯导热膜', 'graphene thermal film', '石墨烯'],
               ['碳纤维复合材料', 'carbon-fibre composite', '碳纤维'],
               ['高熵合金涂层', 'high-entropy alloy coating', '高熵合金'],
               ['生物基可降解塑料', 'bio-based degradable plastic', '可降解'],
               ['气凝胶隔热材料', 'aerogel insulation', '气凝胶'],
               ['稀土永磁材料', 'rare-earth permanent magnet', '稀土'],
               ['高分辨率光刻胶', 'high-resolution photoresist', '光刻胶'],
               ['石墨烯改性防腐涂料', 'graphene-modified anticorrosion coating', '石墨烯']],
         ARRAY[['化学气相沉积', 'chemical vapour deposition'],
               ['低温烧结', 'low-temperature sintering'],
               ['分子结构设计', 'molecular structure design'],
               ['卷对卷连续制备', 'roll-to-roll continuous production'],
               ['等离子喷涂', 'plasma spraying'], ['晶界扩散', 'grain-boundary diffusion']],
         ARRAY['消费电子散热', '航空航天', '海洋工程', '绿色包装'],
         ARRAY['导热系数', '拉伸强度', '耐腐蚀寿命', '生产成本降低幅度'],
         ARRAY['invention_patent', 'invention_patent', 'technical_secret', 'utility_model',
               'invention_patent'],
         ARRAY['nimte', 'fudan', 'suda', 'ustc', 'sim', 'nju', 'zjut', 'hfips']),
        ('information_technology', '新一代信息技术', 32,
         ARRAY[['5G小基站', '5G small cell', '5G'],
               ['工业互联网平台', 'industrial internet platform', '工业互联网'],
               ['量子密钥分发设备', 'quantum key distribution device', '量子通信'],
               ['分布式数据库', 'distributed database', '数据库'],
               ['卫星导航定位芯片', 'satellite navigation chip', '芯片'],
               ['区块链溯源系统', 'blockchain traceability system', '区块链'],
               ['边缘计算网关', 'edge-computing gateway', '边缘计算'],
               ['分布式光纤传感器', 'distributed optical-fibre sensor', '传感器']],
         ARRAY[['软件定义网络', 'software-defined networking'],
               ['国密算法加速', 'SM-series cryptography acceleration'],
               ['时间敏感网络', 'time-sensitive networking'],
               ['云边协同', 'cloud-edge collaboration'], ['高精度授时', 'high-precision timing'],
               ['低时延调度', 'low-latency scheduling']],
         ARRAY['工业互联网', '智慧能源', '金融科技', '政务数据'],
         ARRAY['吞吐量', '端到端时延', '定位精度', '运维成本降低幅度'],
         ARRAY['software_copyright', 'invention_patent', 'utility_model', 'software_copyright',
               'invention_patent', 'other', 'invention_patent'],
         ARRAY['zhejianglab', 'ustc', 'seu', 'fudan', 'zju', 'sim', 'jitri', 'ahu']),
        ('agriculture', '现代农业', 24,
         ARRAY[['耐盐碱水稻', 'salt-tolerant rice', '水稻'],
               ['高产抗病小麦', 'high-yield disease-resistant wheat', '小麦'],
               ['茶叶智能采摘机', 'intelligent tea-picking machine', '茶叶'],
               ['生物农药', 'biological pesticide', '农药'],
               ['水产疫苗', 'aquaculture vaccine', '疫苗'],
               ['设施农业环境传感器', 'greenhouse environment sensor', '传感器'],
               ['植物工厂LED光源', 'LED lighting for plant factories', '植物工厂'],
               ['秸秆还田菌剂', 'straw-decomposing microbial agent', '微生物']],
         ARRAY[['分子标记辅助选育', 'marker-assisted breeding'], ['基因编辑', 'gene editing'],
               ['无人机遥感', 'drone remote sensing'], ['微生物发酵', 'microbial fermentation'],
               ['物联网精准灌溉', 'IoT precision irrigation'],
               ['低温冷链保鲜', 'cold-chain preservation']],
         ARRAY['粮食生产', '茶园管理', '水产养殖', '设施农业'],
         ARRAY['亩产', '抗病率', '人工成本降低幅度', '农药减量幅度'],
         ARRAY['plant_variety', 'invention_patent', 'utility_model', 'plant_variety',
               'technical_secret'],
         ARRAY['njau', 'zju', 'ahau', 'sjtu', 'zjut', 'ahu']),
        ('environment', '节能环保', 24,
         ARRAY[['工业废水处理系统', 'industrial wastewater treatment system', '废水处理'],
               ['VOCs催化燃烧装置', 'VOCs catalytic combustion unit', 'VOCs'],
               ['土壤重金属修复剂', 'soil heavy-metal remediation agent', '土壤修复'],
               ['垃圾焚烧烟气净化装置', 'flue-gas cleaning unit for waste incineration',
                '烟气净化'],
               ['余热回收热泵', 'waste-heat recovery heat pump', '余热回收'],
               ['膜生物反应器', 'membrane bioreactor', '膜分离'],
               ['碳捕集吸附材料', 'carbon-capture adsorbent', '碳捕集'],
               ['污泥资源化装备', 'sludge recycling equipment', '污泥']],
         ARRAY[['高级氧化', 'advanced oxidation'], ['低温催化', 'low-temperature catalysis'],
               ['电化学还原', 'electrochemical reduction'],
               ['智能曝气控制', 'intelligent aeration control'], ['磁分离', 'magnetic separation'],
               ['全生命周期碳核算', 'life-cycle carbon accounting']],
         ARRAY['化工园区', '市政污水', '钢铁冶金', '垃圾处理'],
         ARRAY['去除率', '能耗降低幅度', '运行成本降低幅度', '碳排放降低幅度'],
         ARRAY['invention_patent', 'utility_model', 'technical_secret', 'invention_patent',
               'utility_model'],
         ARRAY['tongji', 'nju', 'zjut', 'hfips', 'jitri', 'zju', 'hfut']),
        ('other', '其他', 12,
         ARRAY[['文物数字化保护系统', 'digital heritage conservation system', '文物保护'],
               ['智慧养老监护设备', 'smart elderly-care monitor', '养老'],
               ['体育训练动作分析系统', 'sports-training motion analysis system', '体育'],
               ['非遗工艺数字化平台', 'intangible-heritage craft platform', '非遗'],
               ['应急救援通信终端', 'emergency-rescue communication terminal', '应急'],
               ['智能教育测评系统', 'intelligent education assessment system', '教育'],
               ['建筑节能幕墙', 'energy-saving building curtain wall', '建筑'],
               ['城市交通信号优化系统', 'urban traffic-signal optimisation system', '交通']],
         ARRAY[['三维激光扫描', '3D laser scanning'],
               ['毫米波雷达感知', 'millimetre-wave radar sensing'],
               ['可穿戴传感', 'wearable sensing'], ['虚拟现实', 'virtual reality'],
               ['自组网通信', 'ad-hoc networking'], ['大数据分析', 'big-data analytics']],
         ARRAY['文化旅游', '养老服务', '应急管理', '城市治理'],
         ARRAY['工作效率', '识别准确率', '覆盖范围', '运营成本降低幅度'],
         ARRAY['other', 'design_patent', 'software_copyright', 'utility_model',
               'invention_patent'],
         ARRAY['tongji', 'ruijin', 'suda', 'zju', 'ahu'])
    ) AS v(field, label, how_many, subjects, techniques, scenarios, metrics, kinds, makers)
    LOOP
        FOR n IN 0 .. f.how_many - 1 LOOP
            made := made + 1;
            -- (subject, technique) pairs stay distinct within a field for up to 48 rows
            o := 1 + n % 8;
            t := 1 + (n % 8 + n / 8) % 6;
            subject := f.subjects[o][1];
            subject_en := f.subjects[o][2];
            technique := f.techniques[t][1];
            technique_en := f.techniques[t][2];
            kind := f.kinds[1 + n % array_length(f.kinds, 1)];
            IF kind = 'plant_variety' AND o > 2 THEN
                kind := 'invention_patent';   -- only the crops are plant varieties
            END IF;
            title := CASE kind
                WHEN 'invention_patent' THEN '一种基于' || technique || '的' || subject
                WHEN 'utility_model' THEN '一种用于' || subject || '的' || technique || '装置'
                WHEN 'design_patent' THEN '采用' || technique || '的' || subject || '外观设计'
                WHEN 'software_copyright'
                    THEN subject || technique || '软件V' || (1 + n % 4) || '.0'
                WHEN 'ic_layout' THEN subject || technique || '集成电路布图设计'
                WHEN 'plant_variety' THEN '采用' || technique || '选育的' || subject || '新品种'
                WHEN 'technical_secret' THEN subject || technique || '工艺技术秘密'
                ELSE subject || technique || '解决方案' END;
            title_en := CASE kind
                WHEN 'invention_patent' THEN initcap(left(subject_en, 1)) || substr(subject_en, 2)
                                             || ' based on ' || technique_en
                WHEN 'utility_model' THEN initcap(left(technique_en, 1)) || substr(technique_en, 2)
                                          || ' device for ' || subject_en
                WHEN 'design_patent' THEN 'Industrial design of ' || subject_en || ' using '
                                          || technique_en
                WHEN 'software_copyright' THEN initcap(left(technique_en, 1))
                                               || substr(technique_en, 2) || ' software for '
                                               || subject_en || ' V' || (1 + n % 4) || '.0'
                WHEN 'ic_layout' THEN 'IC layout design of ' || subject_en || ' with '
                                      || technique_en
                WHEN 'plant_variety' THEN 'New ' || subject_en || ' variety bred by '
                                          || technique_en
                WHEN 'technical_secret' THEN initcap(left(technique_en, 1))
                                             || substr(technique_en, 2)
                                             || ' process know-how for ' || subject_en
                ELSE initcap(left(technique_en, 1)) || substr(technique_en, 2)
                     || ' solution for ' || subject_en END;

            -- application numbers YYYY T NNNNNNN with the check digit of patent_number.c
            numbers := '{}';
            IF kind IN ('invention_patent', 'utility_model', 'design_patent') THEN
                FOR p IN 1 .. CASE WHEN kind = 'invention_patent' AND made % 3 = 0
                                   THEN 2 ELSE 1 END LOOP
                    digits := (2015 + (made * 7 + p) % 9)::text
                              || CASE kind WHEN 'invention_patent' THEN '1'
                                           WHEN 'utility_model' THEN '2' ELSE '3' END
                              || lpad(((made * 7919 + p * 104729) % 9000000 + 1000000)::text,
                                      7, '0');
                    SELECT sum(substr(digits, i, 1)::integer * (2 + (i - 1) % 8)) % 11
                      INTO check_value FROM generate_series(1, 12) AS i;
                    numbers := numbers || ('ZL' || digits || '.'
                               || CASE WHEN check_value = 10 THEN 'X'
                                       ELSE check_value::text END);
                END LOOP;
            END IF;

            maturity := 3 + made % 7;
            mode := modes[1 + made % array_length(modes, 1)];
            -- the standard terms: equity pays in shares and a pure royalty in shares of sales,
            -- neither with a fixed fee; installments split the fee into 3 or 4 payments a
            -- quarter apart, the other fees are due at once (30 days after conversion)
            fee := CASE WHEN mode IN ('equity', 'royalty') THEN 0
                        ELSE (5 + (made * 13) % 96) * 1000000 END;
            parts := CASE WHEN mode = 'installments' THEN 3 + made % 2 ELSE 1 END;
            schedule := CASE WHEN fee = 0 THEN '[]'::jsonb ELSE (
                SELECT jsonb_agg(jsonb_build_object(
                           'after_days', 30 + (s - 1) * 90,
                           'amount_fen', CASE WHEN s < parts THEN fee / parts
                                              ELSE fee - fee / parts * (parts - 1) END)
                           ORDER BY s)
                  FROM generate_series(1, parts) AS s) END;
            roll := (made * 37) % 100;
            state := CASE WHEN roll < 5 THEN 'draft' WHEN roll < 11 THEN 'pending'
                          WHEN roll < 15 THEN 'rejected' WHEN roll < 17 THEN 'withdrawn'
                          ELSE 'listed' END;
            created_on := CASE state
                WHEN 'draft' THEN today - 1 - made % 40
                WHEN 'pending' THEN today - 3 - made % 40
                WHEN 'rejected' THEN today - 20 - made % 90
                ELSE today - 40 - (made * 53) % 690 END;
            reviewed_on := created_on + 3 + made % 12;

            PERFORM set_config('techpool.today', to_char(created_on, 'YYYY-MM-DD'), true);
            INSERT INTO achievements (institution_id, title, title_en, abstract, field, kind,
                                      patent_numbers, keywords, maturity, trial_months,
                                      payment_mode, reference_fee_fen, royalty_bp, exclusive,
                                      fee_schedule, created_at, updated_at)
            SELECT u.institution_id, title, title_en,
                   '本成果面向' || f.scenarios[1 + made % 4] || '场景，针对' || subject
                   || pains[1 + made % 4] || '等问题，研究团队采用' || technique || '技术，'
                   || gains[1 + (made / 4) % 4] || '。经第三方检测，'
                   || f.metrics[1 + (made / 2) % 4] || '较现有方案提升' || 12 + (made * 7) % 40
                   || '%。' || CASE WHEN maturity <= 3 THEN '目前已完成实验室原理样机验证'
                                    WHEN maturity <= 6 THEN '目前已完成小试和中试，具备工程化条件'
                                    ELSE '目前已在合作企业产线稳定运行一年以上' END
                   || '，可为' || f.label
                   || '领域的中小企业提供“先使用后付费”的技术导入路径，试用期内免费，'
                   || '试用成功后按约定方式付费许可。',
                   f.field, kind, numbers,
                   ARRAY[f.subjects[o][3], technique, f.label, f.scenarios[1 + made % 4]],
                   maturity, trial_months[1 + made % array_length(trial_months, 1)], mode,
                   fee,
                   CASE WHEN mode IN ('royalty', 'lump_sum_plus_royalty')
                        THEN 200 + (made % 7) * 100 ELSE 0 END,
                   made % 7 = 0, schedule,
                   tp_now() - make_interval(mins => (made * 53) % 360),
                   tp_now() - make_interval(mins => (made * 53) % 360)
              FROM users u
             WHERE u.email = 'tto@' || f.makers[1 + n % array_length(f.makers, 1)] || '.demo'
            RETURNING id INTO new_id;
            IF new_id IS NULL THEN
                RAISE EXCEPTION 'no staff account for the maker of %', title;
            END IF;

            IF state <> 'draft' THEN
                PERFORM set_config('techpool.today', to_char(created_on + 2, 'YYYY-MM-DD'),
                                   true);
                UPDATE achievements SET status = 'pending' WHERE id = new_id;
            END IF;
            IF state IN ('rejected', 'listed', 'withdrawn') THEN
                PERFORM set_config('techpool.today', to_char(reviewed_on, 'YYYY-MM-DD'), true);
                UPDATE achievements
                   SET status = CASE WHEN state = 'rejected' THEN 'rejected' ELSE 'listed' END,
                       reject_reason = CASE WHEN state = 'rejected'
                                            THEN reject_reasons[1 + made % 3] END
                 WHERE id = new_id;
            END IF;
            IF state = 'withdrawn' THEN
                PERFORM set_config('techpool.today',
                                   to_char(least(reviewed_on + 30, today), 'YYYY-MM-DD'), true);
                UPDATE achievements SET status = 'withdrawn' WHERE id = new_id;
            END IF;
        END LOOP;
    END LOOP;
    PERFORM set_config('techpool.today', current_setting('techpool.demo_saved_today'), true);
END
$achievements$;

-- ---------------------------------------------------------------------------------------------
-- Trials in every state; converted ones with licenses at their agreed terms, installments,
-- royalty reports and payments (most paid on time, some late or partly paid, a few defaulted
-- with risk compensation claims)

DO $trials$
DECLARE
    today date := current_setting('techpool.demo_today', true)::date;
    -- 13 states against 10 enterprises: every enterprise meets every state
    plan text[] := ARRAY['converted', 'active', 'requested', 'returned', 'converted', 'expired',
                         'declined', 'converted', 'active', 'returned', 'cancelled', 'converted',
                         'expired'];
    decline_reasons text[] := ARRAY['该成果正与其他企业洽谈许可，暂不接受新的试用',
                                    '企业现有产线与成果的工艺条件差距较大，建议补充评估后再申请',
                                    '试用计划缺少技术负责人与验证指标，请完善后重新申请'];
    return_reasons text[] := ARRAY['小批量验证未达到量产良率要求，按约定无损退回',
                                   '与现有产品平台兼容性不足，改造成本过高',
                                   '市场需求变化，项目暂缓，退回试用'];
    k integer;
    licenses_made integer := 0;
    defaults_made integer := 0;
    state text;
    e record;
    a record;
    tr trials;
    lic licenses;
    inst installments;
    requested_on date;
    started_on date;
    day date;
    months integer;
    behaviour integer;
    amount bigint;
    staff bigint;
    decider bigint;
    ratio integer;
    claim compensations;
    reporter bigint;
    quarter date;
    quarters_reported integer;
    sales bigint;
    royalty bigint;
    seq_no integer;
    jitter interval;    -- each trial's events get a time of day of their own
BEGIN
    IF current_setting('techpool.demo_load', true) IS DISTINCT FROM 'yes' THEN
        RETURN;
    END IF;
    FOR k IN 0 .. 129 LOOP
        state := plan[1 + k % array_length(plan, 1)];
        SELECT en.id, en.name, f.fields INTO e
          FROM (VALUES
            (0, 'engineer@xinxin-chip.demo',
             ARRAY['integrated_circuits', 'information_technology']),
            (1, 'staff@lanxin-sensing.demo',
             ARRAY['information_technology', 'artificial_intelligence']),
            (2, 'bd@ruikang-bio.demo', ARRAY['biomedicine']),
            (3, 'tech@liyuan-energy.demo', ARRAY['new_energy', 'new_materials']),
            (4, 'rd@zhixing-robot.demo',
             ARRAY['artificial_intelligence', 'advanced_manufacturing']),
            (5, 'lab@yongcai-materials.demo', ARRAY['new_materials', 'other']),
            (6, 'eng@lianghe-equip.demo', ARRAY['advanced_manufacturing', 'integrated_circuits']),
            (7, 'env@lvyuan-eco.demo', ARRAY['environment', 'new_energy']),
            (8, 'agri@hefeng-agri.demo', ARRAY['agriculture', 'other']),
            (9, 'qa@yikang-med.demo', ARRAY['biomedicine', 'artificial_intelligence'])
          ) AS f(place, email, fields)
          JOIN users u ON u.email = f.email
          JOIN enterprises en ON en.id = u.enterprise_id
         WHERE f.place = k % 10;
        IF NOT FOUND THEN
            CONTINUE;
        END IF;

        requested_on := CASE state
            WHEN 'requested' THEN today - 1 - (k * 7) % 25
            WHEN 'active' THEN today - 10 - (k * 11) % 50
            WHEN 'declined' THEN today - 30 - (k * 13) % 300
            WHEN 'cancelled' THEN today - 20 - (k * 17) % 250
            WHEN 'converted' THEN today - 110 - (k * 19) % 270
            WHEN 'returned' THEN today - 60 - (k * 23) % 300
            ELSE today - 250 - (k * 29) % 200 END;
        -- a listed achievement not yet tried, in the enterprise's line of business if possible
        SELECT ach.id, ach.title, ach.exclusive, ach.trial_months INTO a
          FROM achievements ach
         WHERE ach.status = 'listed' AND tp_date(ach.updated_at) < requested_on - 3
           AND NOT EXISTS (SELECT 1 FROM trials x WHERE x.achievement_id = ach.id)
         ORDER BY ach.field = ANY (e.fields) DESC, (ach.id * 7919) % 613, ach.id
         LIMIT 1;
        IF NOT FOUND THEN
            CONTINUE;
        END IF;
        months := least(a.trial_months, 3 + k % 4);
        jitter := make_interval(mins => (k * 53) % 360, secs => (k * 31) % 60);

        PERFORM set_config('techpool.today', to_char(requested_on, 'YYYY-MM-DD'), true);
        INSERT INTO trials (achievement_id, enterprise_id, purpose, planned_months, requested_at)
        VALUES (a.id, e.id,
                '拟在' || e.name || '现有产品线上试用“' || a.title || '”，' || months
                || '个月内完成样品试制、小批量验证和成本评估，验证通过后签订许可合同。',
                months, tp_now() - jitter)
        RETURNING * INTO tr;

        IF state IN ('declined', 'cancelled') THEN
            PERFORM set_config('techpool.today', to_char(requested_on + 2 + k % 5, 'YYYY-MM-DD'),
                               true);
            UPDATE trials
               SET status = state, closed_at = tp_now() - jitter,
                   close_reason = CASE WHEN state = 'declined'
                                       THEN decline_reasons[1 + k % 3] END
             WHERE id = tr.id;
        END IF;
        IF state IN ('requested', 'declined', 'cancelled') THEN
            CONTINUE;
        END IF;

        started_on := requested_on + 2 + k % 4;
        PERFORM set_config('techpool.today', to_char(started_on, 'YYYY-MM-DD'), true);
        UPDATE trials
           SET status = 'active', started_on = tp_today(),
               ends_on = (tp_today() + make_interval(months => planned_months))::date
         WHERE id = tr.id
        RETURNING * INTO tr;

        IF state = 'returned' THEN
            PERFORM set_config('techpool.today',
                               to_char(least(started_on + 20 + k % 60, today), 'YYYY-MM-DD'), true);
            UPDATE trials SET status = 'returned', closed_at = tp_now() - jitter,
                              close_reason = return_reasons[1 + k % 3]
             WHERE id = tr.id;
        ELSIF state = 'expired' THEN
            PERFORM set_config('techpool.today', to_char(tr.ends_on + 1, 'YYYY-MM-DD'), true);
            UPDATE trials SET status = 'expired', closed_at = trial_expired_at(ends_on)
             WHERE id = tr.id;
        ELSIF state = 'converted' THEN
            -- the enterprise converts at the terms agreed when the trial started: an
            -- installment for each payment of the fee schedule, after_days from signing
            licenses_made := licenses_made + 1;
            day := started_on + 40 + k % 30;
            PERFORM set_config('techpool.today', to_char(day, 'YYYY-MM-DD'), true);
            INSERT INTO licenses (trial_id, payment_mode, total_fen, royalty_bp, royalty_base,
                                  license_years, terms, signed_at)
            VALUES (tr.id, tr.terms->>'payment_mode', (tr.terms->>'fee_fen')::bigint,
                    (tr.terms->>'royalty_bp')::integer, tr.terms->>'royalty_base',
                    (tr.terms->>'license_years')::smallint, tr.terms, tp_now() - jitter)
            RETURNING * INTO lic;
            INSERT INTO installments (license_id, seq, kind, due_on, amount_fen)
            SELECT lic.id, x.n, 'fixed', lic.signed_on + (x.e->>'after_days')::integer,
                   (x.e->>'amount_fen')::bigint
              FROM jsonb_array_elements(tr.terms->'fee_schedule') WITH ORDINALITY AS x(e, n);
            UPDATE trials
               SET status = 'converted', closed_at = tp_now() - jitter, license_id = lic.id
             WHERE id = tr.id;
            IF a.exclusive THEN
                UPDATE achievements SET status = 'licensed' WHERE id = a.id;
            END IF;

            -- payments, each installment in full on (about) its due day, except that of every
            -- seven licenses one pays late and one pays part, and every sixth license signed
            -- long enough ago stops paying (after the first installment when the second is
            -- 90+ days overdue, else at once) and defaults
            behaviour := CASE WHEN licenses_made % 6 = 5 AND day <= today - 130 THEN 7
                              ELSE licenses_made % 7 END;
            SELECT u.id INTO staff FROM users u
             WHERE u.institution_id = lic.institution_id ORDER BY u.id LIMIT 1;

            -- a royalty licensee reports each quarter's sales 10 to 24 days after it ends (the
            -- report issues a royalty installment due 30 days later), with sales that grow; one
            -- that will default has stopped reporting
            IF lic.payment_mode IN ('royalty', 'lump_sum_plus_royalty') AND behaviour <> 7 THEN
                SELECT u.id INTO reporter FROM users u
                 WHERE u.enterprise_id = lic.enterprise_id ORDER BY u.id LIMIT 1;
                quarters_reported := 0;
                FOR quarter IN SELECT q FROM license_quarters(lic) AS q ORDER BY q LOOP
                    day := (quarter + interval '3 months')::date + (10 + lic.id * 7 % 15)::integer;
                    EXIT WHEN day > today;
                    PERFORM set_config('techpool.today', to_char(day, 'YYYY-MM-DD'), true);
                    sales := (60 + quarters_reported * 25 + (lic.id * 37) % 80) * 100000;
                    royalty := round(sales::numeric * lic.royalty_bp / 10000)::bigint;
                    SELECT coalesce(max(i.seq), 0) + 1 INTO seq_no
                      FROM installments i WHERE i.license_id = lic.id;
                    INSERT INTO installments (license_id, seq, kind, due_on, amount_fen)
                    VALUES (lic.id, seq_no, 'royalty', day + 30, royalty);
                    INSERT INTO royalty_reports (license_id, period_start, net_sales_fen,
                                                 royalty_fen, installment_seq, reported_by,
                                                 reported_at)
                    VALUES (lic.id, quarter, sales, royalty, seq_no, reporter, tp_now() - jitter);
                    quarters_reported := quarters_reported + 1;
                END LOOP;
            END IF;

            FOR inst IN SELECT * FROM installments WHERE license_id = lic.id ORDER BY due_on, seq
            LOOP
                day := inst.due_on - 2 + licenses_made % 5;
                amount := inst.amount_fen;
                EXIT WHEN day > today
                       OR (behaviour = 5 AND inst.due_on > today - 60)
                       OR (behaviour = 7 AND (inst.seq > 1 OR NOT EXISTS (
                               SELECT 1 FROM installments later
                                WHERE later.license_id = lic.id AND later.seq = 2
                                  AND later.due_on <= today - 95)));
                IF behaviour = 6 AND inst.due_on + 90 > today THEN
                    amount := inst.amount_fen * 6 / 10;
                END IF;
                PERFORM set_config('techpool.today', to_char(day, 'YYYY-MM-DD'), true);
                INSERT INTO payments (license_id, amount_fen, paid_on, reference, recorded_by,
                                      recorded_at)
                VALUES (lic.id, amount, day,
                        '银行转账 ' || to_char(day, 'YYYYMMDD') || '-' || lic.id || '-' || inst.seq,
                        staff, tp_now() - jitter);
                UPDATE installments SET paid_fen = paid_fen + amount
                 WHERE license_id = lic.id AND seq = inst.seq;
                UPDATE licenses
                   SET paid_fen = paid_fen + amount,
                       -- a royalty license stays active through its term
                       status = CASE WHEN paid_fen + amount = issued_fen
                                      AND payment_mode NOT IN ('royalty', 'lump_sum_plus_royalty')
                                     THEN 'settled'
                                     ELSE status END
                 WHERE id = lic.id;
                EXIT WHEN amount < inst.amount_fen;
            END LOOP;

            -- a default 95 days after the first installment left unpaid, with its claim
            SELECT * INTO inst FROM installments
             WHERE license_id = lic.id AND paid_fen < amount_fen AND due_on <= today - 95
             ORDER BY due_on, seq LIMIT 1;
            IF behaviour = 7 AND FOUND THEN
                defaults_made := defaults_made + 1;
                SELECT * INTO lic FROM licenses WHERE id = lic.id;
                PERFORM set_config('techpool.today', to_char(inst.due_on + 95, 'YYYY-MM-DD'),
                                   true);
                UPDATE licenses SET status = 'defaulted', defaulted_at = tp_now() - jitter
                 WHERE id = lic.id;
                SELECT coalesce((SELECT r.ratio_bp FROM province_compensation_ratios r
                                  WHERE r.province = lic.institution_province), 5000)
                  INTO ratio;
                INSERT INTO compensations (license_id, province, outstanding_fen, ratio_bp,
                                           amount_fen, reason, created_at)
                VALUES (lic.id, lic.institution_province, lic.issued_fen - lic.paid_fen, ratio,
                        compensation_amount_fen(lic.issued_fen - lic.paid_fen, ratio),
                        '第' || inst.seq || '期许可费逾期超过90天，多次催收未果，'
                        || '企业经营困难无力支付，申请风险补偿。', tp_now() - jitter)
                RETURNING * INTO claim;
                -- every other claim has been approved by the province's administrator
                IF defaults_made % 2 = 0 AND inst.due_on + 105 <= today THEN
                    SELECT u.id INTO decider FROM users u
                     WHERE u.role = 'province_admin' AND u.province = lic.institution_province
                     ORDER BY u.id LIMIT 1;
                    IF decider IS NOT NULL THEN
                        PERFORM set_config('techpool.today',
                                           to_char(inst.due_on + 105, 'YYYY-MM-DD'), true);
                        UPDATE compensations
                           SET status = 'approved', decided_by = decider,
                               decided_at = tp_now() - jitter,
                               decision_reason = '经核实企业确无履约能力，同意按比例补偿。'
                         WHERE id = claim.id;
                    END IF;
                END IF;
            END IF;
        END IF;
    END LOOP;
    PERFORM set_config('techpool.today', current_setting('techpool.demo_saved_today'), true);
END
$trials$;

-- ---------------------------------------------------------------------------------------------
-- Patent open licensing: declarations on listed, non-exclusive patents (one above the national
-- guidance with its public reason, one withdrawn), licenses taken from them as
-- POST /open-licenses/{id}/take makes them (active at once, the fee one installment due 30
-- days later), their payments and royalty reports; then the recording of licenses of patents
-- with the patent office (most in time, some overdue) and one technology-contract registration

DO $open_licenses$
DECLARE
    today date := current_setting('techpool.demo_today', true)::date;
    s record;
    ach achievements;
    decl open_license_declarations;
    lic licenses;
    inst installments;
    taker record;
    staff bigint;
    reporter bigint;
    declared_ids bigint[] := '{}';    -- the achievement declared in each slot
    withdrawals bigint[] := '{}';
    withdrawal_days date[] := '{}';
    k integer;
    mode text;
    day date;
    quarter date;
    quarters_reported integer;
    sales bigint;
    royalty bigint;
    seq_no integer;
    province_code text;
BEGIN
    IF current_setting('techpool.demo_load', true) IS DISTINCT FROM 'yes' THEN
        RETURN;
    END IF;
    FOR s IN SELECT * FROM (VALUES
        (1, 'SH', 'invention_patent', 'lump_sum', 8000000::bigint, 0, 'net_sales', 5, 210,
         222::integer, NULL, NULL::integer),
        (2, 'JS', 'utility_model', 'royalty', 0, 300, 'net_sales', 5, 150, NULL, NULL, NULL),
        (3, 'ZJ', 'invention_patent', 'entry_plus_royalty', 2000000, 200, 'net_sales', 8, 190,
         197, NULL, NULL),
        (4, 'AH', 'invention_patent', 'lump_sum', 2500000000, 0, 'net_sales', 10, 60, 75,
         '该专利族覆盖本所核心工艺的全部实施方式，研发投入逾四亿元；'
         || '许可费依据第三方资产评估报告确定，高于国家指导标准，'
         || '评估报告可向本所技术转移中心索取。', NULL),
        (5, 'SH', 'design_patent', 'royalty', 0, 3500, 'profit', 6, 40, NULL, NULL, NULL),
        (6, 'JS', 'invention_patent', 'lump_sum', 3000000, 0, 'net_sales', 3, 300, 310, NULL,
         100)
    ) AS v(slot, province, kind, fee_kind, fee, rate, base, years, declared_ago, announced_ago,
           exception, withdrawn_ago)
    LOOP
        -- a patent of the province listed well before, not tried, not declared yet; of the
        -- slot's kind if there is one
        SELECT a.* INTO ach FROM achievements a
         WHERE a.status = 'listed' AND NOT a.exclusive AND a.province = s.province
           AND a.kind IN ('invention_patent', 'utility_model', 'design_patent')
           AND cardinality(a.patent_numbers) > 0
           AND tp_date(a.updated_at) < today - 320
           AND NOT EXISTS (SELECT 1 FROM trials t WHERE t.achievement_id = a.id)
           AND array_position(declared_ids, a.id) IS NULL
         ORDER BY a.kind = s.kind DESC, cardinality(a.patent_numbers) DESC, a.id
         LIMIT 1;
        IF NOT FOUND THEN
            CONTINUE;
        END IF;
        declared_ids[s.slot] := ach.id;
        SELECT u.id INTO staff FROM users u
         WHERE u.institution_id = ach.institution_id ORDER BY u.id LIMIT 1;
        day := today - s.declared_ago;
        PERFORM set_config('techpool.today', to_char(day, 'YYYY-MM-DD'), true);
        -- the first declares one of its two patents; the others all they have
        INSERT INTO open_license_declarations (achievement_id, patent_numbers, fee_kind, fee_fen,
                                               royalty_bp, royalty_base, years,
                                               announcement_number, announced_on,
                                               guideline_exception, declared_by)
        VALUES (ach.id, CASE WHEN s.slot = 1 THEN ach.patent_numbers[1:1]
                             ELSE ach.patent_numbers END,
                s.fee_kind, s.fee, s.rate, s.base, s.years,
                CASE WHEN s.announced_ago IS NOT NULL
                     THEN 'CN-OL-' || to_char(today - s.announced_ago, 'YYYY') || '-'
                          || lpad((40 + s.slot * 17)::text, 4, '0') END,
                today - s.announced_ago, s.exception, staff)
        RETURNING * INTO decl;
        IF s.withdrawn_ago IS NOT NULL THEN
            withdrawals := withdrawals || decl.id;
            withdrawal_days := withdrawal_days || (today - s.withdrawn_ago);
        END IF;
    END LOOP;

    -- licenses taken: one paid and settled, one whose fee is not yet due, one with an entry fee
    -- and quarterly royalties, one taken before its declaration was withdrawn
    FOR taker IN SELECT x.slot, x.email, x.taken_ago, d.id AS declaration_id, e.id AS enterprise_id
                   FROM (VALUES (1, 'staff@lanxin-sensing.demo', 180),
                                (6, 'eng@lianghe-equip.demo', 280),
                                (3, 'lab@yongcai-materials.demo', 160),
                                (1, 'qa@yikang-med.demo', 25)) AS x(slot, email, taken_ago)
                   JOIN users u ON u.email = x.email
                   JOIN enterprises e ON e.id = u.enterprise_id
                   JOIN open_license_declarations d
                     ON d.achievement_id = declared_ids[x.slot]
                  ORDER BY x.taken_ago DESC
    LOOP
        SELECT * INTO decl FROM open_license_declarations WHERE id = taker.declaration_id;
        day := today - taker.taken_ago;
        PERFORM set_config('techpool.today', to_char(day, 'YYYY-MM-DD'), true);
        mode := CASE decl.fee_kind WHEN 'entry_plus_royalty' THEN 'lump_sum_plus_royalty'
                                   ELSE decl.fee_kind END;
        INSERT INTO licenses (source, open_license_id, enterprise_id, status, payment_mode,
                              total_fen, royalty_bp, royalty_base, license_years, terms)
        VALUES ('open_license', decl.id, taker.enterprise_id, 'active', mode, decl.fee_fen,
                decl.royalty_bp, decl.royalty_base, decl.years,
                jsonb_build_object('payment_mode', mode, 'fee_fen', decl.fee_fen,
                                   'fee_schedule', fee_schedule_default(decl.fee_fen),
                                   'royalty_bp', decl.royalty_bp,
                                   'royalty_base', decl.royalty_base,
                                   'license_years', decl.years, 'exclusive', false,
                                   'field_of_use', NULL, 'territory', NULL,
                                   'max_trial_months', NULL))
        RETURNING * INTO lic;
        INSERT INTO installments (license_id, seq, kind, due_on, amount_fen)
        SELECT lic.id, 1, 'fixed', lic.signed_on + 30, decl.fee_fen WHERE decl.fee_fen > 0;

        -- the royalty of each quarter reported 10 to 24 days after it ends
        IF decl.royalty_bp > 0 THEN
            SELECT u.id INTO reporter FROM users u
             WHERE u.enterprise_id = lic.enterprise_id ORDER BY u.id LIMIT 1;
            quarters_reported := 0;
            FOR quarter IN SELECT q FROM license_quarters(lic) AS q ORDER BY q LOOP
                day := (quarter + interval '3 months')::date + (10 + lic.id * 7 % 15)::integer;
                EXIT WHEN day > today;
                PERFORM set_config('techpool.today', to_char(day, 'YYYY-MM-DD'), true);
                sales := (120 + quarters_reported * 40 + (lic.id * 37) % 80) * 100000;
                royalty := round(sales::numeric * lic.royalty_bp / 10000)::bigint;
                SELECT coalesce(max(i.seq), 0) + 1 INTO seq_no
                  FROM installments i WHERE i.license_id = lic.id;
                INSERT INTO installments (license_id, seq, kind, due_on, amount_fen)
                VALUES (lic.id, seq_no, 'royalty', day + 30, royalty);
                INSERT INTO royalty_reports (license_id, period_start, net_sales_fen, royalty_fen,
                                             installment_seq, reported_by)
                VALUES (lic.id, quarter, sales, royalty, seq_no, reporter);
                quarters_reported := quarters_reported + 1;
            END LOOP;
        END IF;

        -- every installment paid two days before it is due
        SELECT u.id INTO staff FROM users u
         WHERE u.institution_id = lic.institution_id ORDER BY u.id LIMIT 1;
        FOR inst IN SELECT * FROM installments WHERE license_id = lic.id ORDER BY due_on, seq LOOP
            day := inst.due_on - 2;
            EXIT WHEN day > today;
            PERFORM set_config('techpool.today', to_char(day, 'YYYY-MM-DD'), true);
            INSERT INTO payments (license_id, amount_fen, paid_on, reference, recorded_by)
            VALUES (lic.id, inst.amount_fen, day,
                    '开放许可费 ' || to_char(day, 'YYYYMMDD') || '-' || lic.id || '-' || inst.seq,
                    staff);
            UPDATE installments SET paid_fen = amount_fen
             WHERE license_id = lic.id AND seq = inst.seq;
            UPDATE licenses
               SET paid_fen = paid_fen + inst.amount_fen,
                   status = CASE WHEN paid_fen + inst.amount_fen = issued_fen
                                  AND royalty_bp = 0 THEN 'settled' ELSE status END
             WHERE id = lic.id;
        END LOOP;
    END LOOP;

    -- a declaration withdrawn after a license was taken from it: the license keeps its terms
    FOR k IN 1 .. coalesce(array_length(withdrawals, 1), 0) LOOP
        PERFORM set_config('techpool.today', to_char(withdrawal_days[k], 'YYYY-MM-DD'), true);
        UPDATE open_license_declarations SET status = 'withdrawn', withdrawn_at = tp_now()
         WHERE id = withdrawals[k];
    END LOOP;

    -- recording with the patent office: three licenses of patents in four are recorded 20 to 79
    -- days after signing; the others are pending, or overdue once three months have passed
    FOR lic IN SELECT * FROM licenses
                WHERE recording_due_on IS NOT NULL AND record_number IS NULL
                  AND id % 4 <> 0 AND signed_on + 20 + ((id * 7) % 60)::integer <= today
                ORDER BY id
    LOOP
        day := lic.signed_on + 20 + ((lic.id * 7) % 60)::integer;
        province_code := CASE lic.institution_province WHEN 'SH' THEN '31' WHEN 'JS' THEN '32'
                                                       WHEN 'ZJ' THEN '33' ELSE '34' END;
        PERFORM set_config('techpool.today', to_char(day, 'YYYY-MM-DD'), true);
        UPDATE licenses
           SET record_number = to_char(day, 'YYYY') || province_code
                               || lpad((lic.id * 131 % 100000)::text, 7, '0'),
               recorded_on = day
         WHERE id = lic.id;
    END LOOP;

    -- the first license of the first declaration, once recorded, is also registered as a
    -- technology contract at the institution's provincial registry
    SELECT l.* INTO lic
      FROM licenses l JOIN open_license_declarations d ON d.id = l.open_license_id
     WHERE d.achievement_id = declared_ids[1] AND l.record_number IS NOT NULL
     ORDER BY l.signed_on LIMIT 1;
    IF FOUND AND lic.recorded_on + 14 <= today THEN
        day := lic.recorded_on + 14;
        province_code := CASE lic.institution_province WHEN 'SH' THEN '31' WHEN 'JS' THEN '32'
                                                       WHEN 'ZJ' THEN '33' ELSE '34' END;
        PERFORM set_config('techpool.today', to_char(day, 'YYYY-MM-DD'), true);
        UPDATE licenses
           SET registration_number = to_char(day, 'YYYY') || province_code || '0100'
                                     || lpad(lic.id::text, 6, '0'),
               registered_on = day, registry_province = lic.institution_province,
               contract_amount_fen = lic.total_fen
         WHERE id = lic.id;
    END IF;
    PERFORM set_config('techpool.today', current_setting('techpool.demo_saved_today'), true);
END
$open_licenses$;
