// i18n: the current language (zh by default, en at a switch, remembered), UI strings and enum labels.
// Enum labels come from GET /api/v1/meta; the built-in table below fills any key the server lacks.

import { STRINGS } from './strings.js';

const STORAGE_KEY = 'techpool.lang';
let lang = 'zh';
let meta = {};
const listeners = new Set();

const FALLBACK_ENUMS = {
  provinces: [['SH', '上海', 'Shanghai'], ['JS', '江苏', 'Jiangsu'], ['ZJ', '浙江', 'Zhejiang'], ['AH', '安徽', 'Anhui']],
  fields: [
    ['integrated_circuits', '集成电路', 'Integrated circuits'], ['biomedicine', '生物医药', 'Biomedicine'],
    ['artificial_intelligence', '人工智能', 'Artificial intelligence'],
    ['advanced_manufacturing', '高端装备制造', 'Advanced manufacturing'], ['new_energy', '新能源', 'New energy'],
    ['new_materials', '新材料', 'New materials'], ['information_technology', '信息技术', 'Information technology'],
    ['agriculture', '现代农业', 'Agriculture'], ['environment', '节能环保', 'Environment'], ['other', '其他', 'Other'],
  ],
  kinds: [
    ['invention_patent', '发明专利', 'Invention patent'], ['utility_model', '实用新型', 'Utility model'],
    ['design_patent', '外观设计', 'Design patent'], ['software_copyright', '软件著作权', 'Software copyright'],
    ['ic_layout', '集成电路布图设计', 'IC layout design'], ['plant_variety', '植物新品种', 'Plant variety'],
    ['technical_secret', '技术秘密', 'Technical secret'], ['other', '其他', 'Other'],
  ],
  payment_modes: [
    ['lump_sum', '一次性付款', 'Lump sum'], ['installments', '分期付款', 'Installments'],
    ['royalty', '提成支付', 'Royalty'], ['lump_sum_plus_royalty', '入门费加提成', 'Lump sum plus royalty'],
    ['equity', '作价入股', 'Equity'],
  ],
  achievement_statuses: [
    ['draft', '草稿', 'Draft'], ['pending', '待审核', 'Pending review'], ['listed', '已上架', 'Listed'],
    ['rejected', '已退回', 'Rejected'], ['withdrawn', '已撤回', 'Withdrawn'], ['licensed', '已许可', 'Licensed'],
  ],
  trial_statuses: [
    ['requested', '待审批', 'Requested'], ['active', '试用中', 'Active'], ['declined', '已拒绝', 'Declined'],
    ['cancelled', '已取消', 'Cancelled'], ['converted', '已转许可', 'Converted'], ['returned', '已退还', 'Returned'],
    ['expired', '已到期', 'Expired'],
  ],
  enterprise_scales: [
    ['micro', '微型企业', 'Micro enterprise'], ['small', '小型企业', 'Small enterprise'],
    ['medium', '中型企业', 'Medium-sized enterprise'], ['large', '大型企业', 'Large enterprise'],
  ],
  return_reason_codes: [
    ['technical_failure', '技术未达预期', 'Did not work technically'], ['not_mature', '成果尚不成熟', 'Not mature enough'],
    ['too_costly', '成本过高', 'Too costly'], ['market_changed', '市场变化', 'Market changed'], ['other', '其他原因', 'Other'],
  ],
  license_statuses: [
    ['proposed', '待企业确认', 'Proposed'], ['declined', '未接受', 'Declined'], ['active', '履行中', 'Active'],
    ['settled', '已结清', 'Settled'], ['defaulted', '已违约', 'Defaulted'],
  ],
  royalty_bases: [['net_sales', '净销售额', 'Net sales'], ['profit', '利润', 'Profit']],
  installment_kinds: [['fixed', '固定费用', 'Fixed fee'], ['royalty', '提成', 'Royalty']],
  institution_kinds: [
    ['university', '高校', 'University'], ['institute', '科研院所', 'Research institute'],
    ['hospital', '医院', 'Hospital'], ['other', '其他', 'Other'],
  ],
  roles: [
    ['admin', '管理员', 'Administrator'], ['province_admin', '省级管理员', 'Province administrator'],
    ['institution', '高校院所', 'Institution staff'], ['enterprise', '企业', 'Enterprise staff'],
  ],
  compensation_statuses: [
    ['pending', '待审批', 'Pending'], ['approved', '已批准', 'Approved'], ['rejected', '已驳回', 'Rejected'],
  ],
  fee_kinds: [
    ['lump_sum', '一次性许可费', 'Lump sum'], ['royalty', '提成', 'Royalty'],
    ['entry_plus_royalty', '入门费加提成', 'Entry fee plus royalty'],
  ],
  open_license_statuses: [['active', '有效', 'Active'], ['withdrawn', '已撤回', 'Withdrawn']],
  recording_statuses: [
    ['pending', '待备案', 'To be recorded'], ['overdue', '备案逾期', 'Recording overdue'], ['done', '已备案', 'Recorded'],
  ],
};

export function getLang() {
  return lang;
}

export function initLang() {
  let saved = null;
  try {
    saved = window.localStorage.getItem(STORAGE_KEY);
  } catch (e) {
    saved = null;
  }
  applyLang(saved === 'en' ? 'en' : 'zh');
}

function applyLang(next) {
  lang = next;
  const html = document.documentElement;
  html.lang = lang === 'en' ? 'en' : 'zh-CN';
  html.classList.toggle('lang-en', lang === 'en');
  html.classList.toggle('lang-zh', lang !== 'en');
}

export function setLang(next) {
  applyLang(next === 'en' ? 'en' : 'zh');
  try {
    window.localStorage.setItem(STORAGE_KEY, lang);
  } catch (e) {
    // Private mode without storage: the choice lasts for this page only.
  }
  for (const fn of listeners) fn(lang);
}

export function onLangChange(fn) {
  listeners.add(fn);
}

// t('pool.title'), t('trial.daysLeft', {n: 3}); an unknown key shows itself so it is noticed.
export function t(key, params) {
  const table = STRINGS[lang] || STRINGS.zh;
  let s = table[key];
  if (s === undefined) s = STRINGS.zh[key];
  if (s === undefined) return key;
  if (params) {
    s = s.replace(/\{(\w+)\}/g, (all, name) => (params[name] === undefined ? all : String(params[name])));
  }
  return s;
}

// t() whose parameters may be nodes (a name in an element marked with its language): the
// sentence as a list of its text pieces and those nodes, in order, for h() or append().
export function tParts(key, params) {
  return t(key).split(/(\{\w+\})/).filter(Boolean).map((part) => {
    const m = /^\{(\w+)\}$/.exec(part);
    return m && params[m[1]] !== undefined ? params[m[1]] : part;
  });
}

export function hasString(key) {
  return STRINGS[lang][key] !== undefined;
}

export function setMeta(m) {
  meta = m && typeof m === 'object' ? m : {};
}

// The server's labels first; values it does not list yet (a newer UI than daemon, or the other
// way round) keep the built-in ones, so every value a reply can carry has a label and an option.
function entries(kind) {
  const builtin = (FALLBACK_ENUMS[kind] || []).map(([value, zh, en]) => ({ value, zh, en }));
  const fromServer = meta[kind];
  if (!Array.isArray(fromServer) || fromServer.length === 0) return builtin;
  const listed = new Set(fromServer.map((e) => e.value));
  return fromServer.concat(builtin.filter((e) => !listed.has(e.value)));
}

// [{value, label}] in the current language, for a <select>.
export function enumOptions(kind) {
  return entries(kind).map((e) => ({ value: e.value, label: (lang === 'en' ? e.en : e.zh) || e.value }));
}

export function enumLabel(kind, value) {
  if (value === null || value === undefined || value === '') return '—';
  const found = entries(kind).find((e) => e.value === value);
  if (found) return (lang === 'en' ? found.en : found.zh) || value;
  const builtin = (FALLBACK_ENUMS[kind] || []).find((e) => e[0] === value);
  if (builtin) return lang === 'en' ? builtin[2] : builtin[1];
  return String(value);
}
