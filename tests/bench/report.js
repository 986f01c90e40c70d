// report: turns one benchmark run (results.jsonl from run.sh, wrk's report.lua and pgbench; the
// daemon's sampled VmRSS by phase) into the table, the ratios, one line per target and
// "bench: N of M targets met", and writes the same as JSON.
//
//   node report.js RESULTS.jsonl RSS.log WRITE-ERRORS.txt REPORT.json
'use strict';

const fs = require('fs');
const os = require('os');

const [resultsPath, rssPath, writeErrorsPath, jsonPath] = process.argv.slice(2);
const records = fs.readFileSync(resultsPath, 'utf8').split('\n').filter(Boolean)
  .map((line) => JSON.parse(line));

// Where each run's processor time went (cpu.sh): the server's, PostgreSQL's, and the rest
// (the load generator and the kernel's work outside both), in microseconds a request.
const cores = os.cpus().length;
for (const c of records.filter((r) => r.kind === 'cpu')) {
  const r = records.find((x) => (x.kind === 'http' || x.kind === 'sql') && x.server === c.server
    && x.endpoint === c.endpoint && x.connections === c.connections);
  if (!r || !(r.requests > 0)) continue;
  const micros = (ticks) => (ticks * 1e6) / c.tick_hz / r.requests;
  r.cpu_us = {
    server: micros(c.server_ticks),
    postgres: micros(c.postgres_ticks),
    rest: micros(Math.max(c.busy - c.server_ticks - c.postgres_ticks, 0)),
  };
}

// The daemon's resident memory: the largest sample of each phase ("server:endpoint:connections",
// "export", "idle"), in kB.
const rssByPhase = {};
for (const line of fs.readFileSync(rssPath, 'utf8').split('\n')) {
  const [phase, kb] = line.trim().split(/\s+/);
  if (phase && kb && /^[0-9]+$/.test(kb)) {
    rssByPhase[phase] = Math.max(rssByPhase[phase] || 0, Number(kb));
  }
}
const mb = (kb) => kb / 1024;

const seed = records.find((r) => r.kind === 'seed') || {};
const runs = records.filter((r) => r.kind === 'http' || r.kind === 'sql');
const connectionCounts = [...new Set(runs.map((r) => r.connections))].sort((a, b) => a - b);
const run = (server, endpoint, connections) => runs.find((r) => r.server === server
  && r.endpoint === endpoint && r.connections === connections);
const peak = (server, endpoint) => runs.filter((r) => r.server === server && r.endpoint === endpoint)
  .reduce((best, r) => Math.max(best, r.rps), 0);

// What each of the daemon's endpoints is compared with.
// The "-cached" runs (answered from the reply cache) are compared with the same baselines as
// the runs that execute the SQL every time.
const BASELINES = {
  list: ['pgbench', 'fastify'], detail: ['pgbench', 'fastify'], search: ['pgbench'],
  'search-distinct': ['pgbench'],
  static: ['nginx'], write: ['pgbench'],
};
const uncached = (endpoint) => endpoint.replace(/-cached$/, '');

for (const r of runs) {
  if (r.server !== 'techpool') continue;
  r.rss_mb = mb(rssByPhase[`techpool:${r.endpoint}:${r.connections}`] || 0);
  r.ratios = {};
  for (const base of BASELINES[uncached(r.endpoint)] || []) {
    const b = run(base, uncached(r.endpoint), r.connections);
    if (b && b.rps > 0) r.ratios[base] = r.rps / b.rps;
  }
}

// ---------------------------------------------------------------------------------------------
// The table

const fmt = (value, digits) => (value === undefined || value === null || Number.isNaN(value)
  ? '-' : value.toFixed(digits));
const columns = [
  ['server', 9, (r) => r.server], ['endpoint', 13, (r) => r.endpoint],
  ['conns', 5, (r) => String(r.connections)], ['req/s', 9, (r) => fmt(r.rps, 0)],
  ['p50 ms', 8, (r) => fmt(r.p50_ms, 2)], ['p99 ms', 8, (r) => fmt(r.p99_ms, 2)],
  ['errors', 6, (r) => String(r.errors)],
  ['RSS MB', 6, (r) => (r.rss_mb ? fmt(r.rss_mb, 1) : '-')],
  ['srv us', 6, (r) => fmt(r.cpu_us && r.cpu_us.server, 0)],
  ['pg us', 6, (r) => fmt(r.cpu_us && r.cpu_us.postgres, 0)],
  ['rest us', 7, (r) => fmt(r.cpu_us && r.cpu_us.rest, 0)],
  ['ratio', 28, (r) => Object.entries(r.ratios || {})
    .map(([base, x]) => `${x.toFixed(2)}x ${base}`).join(', ') || '-'],
];
const line = (cells) => cells.map((c, i) => (i < 2 ? c.padEnd(columns[i][1])
  : c.padStart(columns[i][1]))).join('  ').trimEnd();
const order = ['techpool', 'pgbench', 'fastify', 'nginx'];
const sorted = [...runs].sort((a, b) => order.indexOf(a.server) - order.indexOf(b.server)
  || a.endpoint.localeCompare(b.endpoint) || a.connections - b.connections);

const out = [];
out.push(`bench: ${seed.achievements} achievements, ${seed.trials} trials, ${seed.licenses} licenses,`
  + ` ${seed.payments} payments seeded in ${fmt(seed.seconds, 1)} s; daemon threads ${seed.threads};`
  + ` ${seed.duration} s per run`);
out.push('');
out.push(line(columns.map(([name]) => name)));
out.push(line(columns.map(([, width]) => '-'.repeat(width))));
for (const r of sorted) out.push(line(columns.map(([, , cell]) => cell(r))));
out.push(`(srv, pg, rest us: processor time a request in the server, in PostgreSQL and elsewhere —`
  + ` the load generator, the kernel — over ${cores} processors)`);

// The fastest any server in front of PostgreSQL could answer an endpoint on this machine, with
// the load generator beside it: every processor shared by PostgreSQL's time a statement (in
// pgbench's peak run, where it is least) and the load generator's time a request (in the
// daemon's peak run), the server itself costing nothing.
const peakRun = (server, endpoint) => runs.filter((r) => r.server === server
  && r.endpoint === endpoint).reduce((best, r) => (!best || r.rps > best.rps ? r : best), null);
const ceilings = {};
for (const endpoint of ['list', 'detail']) {
  const sql = peakRun('pgbench', endpoint);
  const http = peakRun('techpool', endpoint);
  if (!sql || !http || !sql.cpu_us || !http.cpu_us) continue;
  const rps = (cores * 1e6) / (sql.cpu_us.postgres + http.cpu_us.rest);
  ceilings[endpoint] = { rps, vs_pgbench: rps / sql.rps };
  out.push(`ceiling  ${endpoint.padEnd(14)} ${fmt(rps, 0)} req/s = ${fmt(rps / sql.rps, 2)}x pgbench`
    + ` for a server costing nothing (PostgreSQL ${fmt(sql.cpu_us.postgres, 0)} us a statement`
    + ` + load generator ${fmt(http.cpu_us.rest, 0)} us a request on ${cores} processors);`
    + ` techpool's server ${fmt(http.cpu_us.server, 0)} us a request`);
}

const copy = records.find((r) => r.kind === 'copy');
const exp = records.find((r) => r.kind === 'export');
const exportOk = exp && exp.status === 200;
const exportRows = exportOk ? Math.max(exp.lines - 1, 0) : 0;   // less the header line
const copyRowsPerSecond = copy ? copy.rows / copy.seconds : 0;
const exportRowsPerSecond = exportOk ? exportRows / exp.seconds : 0;
const exportRssGrowth = exportOk ? mb((rssByPhase.export || 0) - exp.rss_before_kb) : null;
out.push('');
out.push(`export   psql \\copy      ${fmt(copy && copy.rows, 0)} rows in ${fmt(copy && copy.seconds, 2)} s`
  + ` = ${fmt(copyRowsPerSecond, 0)} rows/s`);
out.push(exportOk
  ? `export   techpool csv    ${exportRows} rows in ${fmt(exp.seconds, 2)} s = `
    + `${fmt(exportRowsPerSecond, 0)} rows/s (${fmt(exportRowsPerSecond / copyRowsPerSecond, 2)}x psql),`
    + ` ${fmt(exp.bytes / 1048576, 1)} MB, RSS ${fmt(mb(exp.rss_before_kb), 1)} -> `
    + `${fmt(mb(rssByPhase.export || 0), 1)} MB`
  : `export   techpool csv    unavailable (HTTP ${exp ? exp.status : 'none'})`);

const memory = records.find((r) => r.kind === 'memory');
if (memory) {
  out.push(`memory   techpool        VmHWM ${fmt(mb(memory.hwm_kb), 1)} MB over the whole run, `
    + 'sign-ins included (argon2id takes 64 MiB per check, by design)');
}

// The bulk import (tests/bench/import.sh): 5,000 rows created, then the same file again.
const imports = records.filter((r) => r.kind === 'import');
const importCreate = imports.find((r) => r.run === 'create' && r.status === 200);
const importGrowth = (r) => mb(r.rss_peak_kb - r.rss_before_kb);
for (const r of imports) {
  out.push(r.status === 200
    ? `import   techpool ${r.run.padEnd(6)} ${r.rows} rows (${r.created} created, ${r.updated} `
      + `updated) in ${fmt(r.seconds, 2)} s, ${fmt(r.bytes / 1048576, 1)} MB file, RSS `
      + `${fmt(mb(r.rss_before_kb), 1)} -> ${fmt(mb(r.rss_peak_kb), 1)} MB`
    : `import   techpool ${r.run.padEnd(6)} unavailable (HTTP ${r.status})`);
}

// The statistics, each asked once over the whole pool.
const stats = records.filter((r) => r.kind === 'stats');
for (const r of stats) {
  out.push(r.status === 200
    ? `stats    techpool ${r.endpoint.padEnd(14)} ${fmt(r.seconds * 1000, 0)} ms`
    : `stats    techpool ${r.endpoint.padEnd(14)} failed (HTTP ${r.status})`);
}
const statsSlowest = stats.length === 7 && stats.every((r) => r.status === 200)
  ? Math.max(...stats.map((r) => r.seconds)) : null;

// The write cycle's refusals, by status and problem detail (write.lua keeps them).
const writeErrors = {};
if (fs.existsSync(writeErrorsPath)) {
  for (const entry of fs.readFileSync(writeErrorsPath, 'utf8').split('\n').filter(Boolean)) {
    const status = entry.split(' ')[0];
    const detail = (entry.match(/"detail"\s*:\s*"([^"]*)"/) || [])[1] || entry.slice(0, 120);
    const key = `${status} ${detail}`;
    writeErrors[key] = (writeErrors[key] || 0) + 1;
  }
}
for (const [key, count] of Object.entries(writeErrors)) {
  out.push(`write    refused ${count} x ${key}`);
}

// ---------------------------------------------------------------------------------------------
// Targets

const maxConnections = connectionCounts[connectionCounts.length - 1];
const searchConnections = connectionCounts.includes(64) ? 64 : maxConnections;
const search64 = run('techpool', 'search-distinct', searchConnections);
const errorsAtMax = runs.filter((r) => r.server === 'techpool' && r.connections === maxConnections)
  .reduce((sum, r) => sum + r.errors, 0);
const daemonPhases = Object.entries(rssByPhase).filter(([phase]) => phase !== 'setup');
// the import has a target of its own for its memory; beside the sign-in flood argon2id takes its
// 64 MiB per check by design (VmHWM below shows it)
const rssMax = mb(daemonPhases.filter(([phase]) => phase !== 'import' && phase !== 'flood'
  && !phase.startsWith('techpool:read-under-flood'))
  .reduce((best, [, kb]) => Math.max(best, kb), 0));
const ratio = (a, b) => (b > 0 ? a / b : null);

const targets = [
  { name: 'list_vs_pgbench', measured: ratio(peak('techpool', 'list'), peak('pgbench', 'list')),
    goal: 0.8, met: (x) => x >= 0.8, unit: 'x', what: 'peak req/s over the SQL\'s peak tps' },
  { name: 'list_vs_fastify', measured: ratio(peak('techpool', 'list'), peak('fastify', 'list')),
    goal: 2, met: (x) => x >= 2, unit: 'x', what: 'peak req/s over Fastify\'s' },
  { name: 'detail_vs_pgbench', measured: ratio(peak('techpool', 'detail'), peak('pgbench', 'detail')),
    goal: 0.8, met: (x) => x >= 0.8, unit: 'x', what: 'peak req/s over the SQL\'s peak tps' },
  { name: 'detail_vs_fastify', measured: ratio(peak('techpool', 'detail'), peak('fastify', 'detail')),
    goal: 2, met: (x) => x >= 2, unit: 'x', what: 'peak req/s over Fastify\'s' },
  { name: 'write_vs_pgbench', measured: ratio(peak('techpool', 'write'), peak('pgbench', 'write')),
    goal: 0.8, met: (x) => x >= 0.8, unit: 'x',
    what: 'peak req/s of the trial cycle over its SQL\'s (pgbench, three requests a cycle)' },
  { name: 'static_vs_nginx', measured: ratio(peak('techpool', 'static'), peak('nginx', 'static')),
    goal: 0.8, met: (x) => x >= 0.8, unit: 'x', what: 'peak req/s over nginx\'s' },
  { name: 'export_vs_copy', measured: exportOk ? ratio(exportRowsPerSecond, copyRowsPerSecond) : null,
    goal: 0.9, met: (x) => x >= 0.9, unit: 'x', what: 'rows/s over psql \\copy' },
  { name: 'export_rss_growth_mb', measured: exportRssGrowth, goal: 16, met: (x) => x < 16,
    unit: 'MB', what: 'VmRSS peak during the export less before it' },
  { name: `search_distinct_p99_ms_at_${searchConnections}`, measured: search64 ? search64.p99_ms : null,
    goal: 25, met: (x) => x < 25, unit: 'ms',
    what: 'p99 latency of 2,000 distinct terms, each request running its SQL (Cache-Control: no-cache)' },
  { name: `search_distinct_rps_at_${searchConnections}`, measured: search64 ? search64.rps : null,
    goal: 1000, met: (x) => x >= 1000, unit: 'req/s', what: 'throughput of the same run' },
  { name: `errors_at_${maxConnections}`, measured: errorsAtMax, goal: 0, met: (x) => x === 0,
    unit: '', what: 'failed requests over every endpoint' },
  { name: 'import_5000_rows_seconds', measured: importCreate ? importCreate.seconds : null,
    goal: 5, met: (x) => x < 5, unit: 's', what: '5,000 rows read, checked and stored' },
  { name: 'import_rss_growth_mb',
    measured: imports.length > 0 && imports.every((r) => r.status === 200)
      ? Math.max(...imports.map(importGrowth)) : null,
    goal: 32, met: (x) => x < 32, unit: 'MB', what: 'VmRSS peak during an import less before it' },
  { name: 'read_under_flood_p99_ms',
    measured: run('techpool', 'read-under-flood', 4) ? run('techpool', 'read-under-flood', 4).p99_ms : null,
    goal: 100, met: (x) => x < 100, unit: 'ms',
    what: 'p99 of a signed-in GET /api/v1/trials beside 64 connections of sign-ups and failed sign-ins' },
  { name: 'stats_slowest_seconds', measured: statsSlowest, goal: 1, met: (x) => x < 1, unit: 's',
    what: 'the slowest statistics endpoint or annual report over the whole pool' },
  { name: 'daemon_rss_max_mb', measured: rssMax, goal: 64, met: (x) => x < 64, unit: 'MB',
    what: 'largest VmRSS sample under load and export' },
];
out.push('');
let metCount = 0;
for (const t of targets) {
  t.ok = t.measured !== null && t.measured !== undefined && t.met(t.measured);
  if (t.ok) metCount += 1;
  const shown = t.measured === null || t.measured === undefined ? 'none'
    : (Number.isInteger(t.measured) ? String(t.measured) : t.measured.toFixed(2));
  out.push(`target ${t.name} measured=${shown} goal=${t.goal} ${t.ok ? 'met' : 'missed'}`);
}
out.push(`bench: ${metCount} of ${targets.length} targets met`);
console.log(out.join('\n'));

fs.writeFileSync(jsonPath, `${JSON.stringify({
  seed,
  runs: sorted,
  export: {
    copy_rows_per_second: copyRowsPerSecond,
    daemon: exp || null,
    daemon_rows: exportRows,
    daemon_rows_per_second: exportRowsPerSecond,
    rss_growth_mb: exportRssGrowth,
  },
  import: imports,
  ceilings,
  rss_mb_by_phase: Object.fromEntries(daemonPhases.map(([p, kb]) => [p, mb(kb)])),
  hwm_mb: memory ? mb(memory.hwm_kb) : null,
  write_refusals: writeErrors,
  targets: targets.map(({ name, measured, goal, ok, unit, what }) => ({
    name, measured, goal, met: ok, unit, what,
  })),
  met: metCount,
  total: targets.length,
}, null, 2)}\n`);
