// The pool's anonymous list and detail endpoints written the way a typical Node.js team would:
// Fastify, a pg Pool, the same SQL functions the daemon calls, JSON replies. The benchmark runs
// it beside the daemon against the same database (tests/bench/run.sh); it is not part of the
// service.
//
// Environment: PGHOST, PGPORT, PGDATABASE, PGUSER (read by pg), BENCH_FASTIFY_PORT,
// BENCH_FASTIFY_POOL (pool size, pg's default 10).
'use strict';

const Fastify = require('fastify');
const { Pool } = require('pg');

const PROVINCES = new Set(['SH', 'JS', 'ZJ', 'AH']);
const LIST_SQL = 'SELECT items, next_position FROM api_achievements_browse($1::bigint, $2::text, '
  + '$3::text, $4::integer, $5::bigint)';
const GET_SQL = 'SELECT * FROM api_achievement_get($1::bigint, $2::bigint)';

const pool = new Pool({ max: Number(process.env.BENCH_FASTIFY_POOL || 10) });
const app = Fastify({ logger: false });

function problem(reply, status, code, detail) {
  return reply.code(status).type('application/problem+json')
    .send({ type: 'about:blank', title: code, status, code, detail });
}

function positiveInteger(text) {
  return typeof text === 'string' && /^[1-9][0-9]{0,17}$/.test(text);
}

app.get('/api/v1/achievements', async (request, reply) => {
  const { province, limit = '20', cursor } = request.query;
  if (province !== undefined && !PROVINCES.has(province)) {
    return problem(reply, 422, 'invalid_field', 'province is not one of the allowed values');
  }
  const n = Number(limit);
  if (!Number.isInteger(n) || n < 1 || n > 100) {
    return problem(reply, 422, 'invalid_field', 'limit must be an integer from 1 to 100');
  }
  let after = null;
  if (cursor !== undefined) {
    after = Buffer.from(cursor, 'base64url').toString();
    if (!positiveInteger(after)) {
      return problem(reply, 422, 'invalid_field', 'cursor is not a cursor of this list');
    }
  }
  const { rows } = await pool.query(LIST_SQL,
    [null, province ?? null, null, n, after]);
  const page = rows[0];
  return {
    items: page.items,
    next_cursor: page.next_position === null
      ? null : Buffer.from(page.next_position).toString('base64url'),
  };
});

app.get('/api/v1/achievements/:id', async (request, reply) => {
  const { id } = request.params;
  if (!positiveInteger(id)) {
    return problem(reply, 404, 'not_found', 'no such achievement');
  }
  const { rows } = await pool.query(GET_SQL, [null, id]);
  if (rows.length === 0) {
    return problem(reply, 404, 'not_found', 'no such achievement');
  }
  reply.header('ETag', `"${rows[0].reply_version}"`);
  return rows[0].reply;
});

app.listen({ host: '127.0.0.1', port: Number(process.env.BENCH_FASTIFY_PORT || 3000) })
  .catch((err) => {
    console.error(err);
    process.exit(1);
  });
