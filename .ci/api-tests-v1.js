#!/usr/bin/env node
// Copy the v1 Conduit Postman collection for .ci/api-tests, rewriting only the assertions
// where v1 disagrees with the current spec (openapi.yml, API 2.0.0) or the v2 collection.
//
//   PYTHON=.venv/bin/python node .ci/api-tests-v1.js V1.json V2.json openapi.yml OUT.json
//
// PYTHON must have PyYAML (uvicorn[standard] brings it into .venv); it reads the spec.
//
// Before writing the copy it audits every v1 request against the spec operation it calls:
//   - each status check must accept a code the spec documents for that operation, and one
//     the v2 collection accepts for the request of the same name (when v2 checks one);
//   - a test script must not read the body on an operation whose success answers have
//     none (204);
//   - a status check written in a form this audit does not recognise stops the run, so a
//     changed collection is read by a person instead of passing unexamined.
// Every conflict must be covered by an entry in EXCEPTIONS, which rewrites exactly that text.
// An unlisted conflict, or an exception whose text is no longer in v1, exits 1.
'use strict';

const fs = require('fs');
const { execFileSync } = require('child_process');

// One entry per assertion to rewrite:
//   { request: 'Folder / Request name',  // as the audit prints it
//     find: 'exact text of one line of its test script (must occur exactly once)',
//     replace: 'the same line, accepting what the spec answers',
//     v1: 'what v1 expects', spec: 'what openapi.yml / the v2 collection say', why: '...' }
//
// Empty, because the audit finds nothing to rewrite in this v1 file (gothinkster/realworld
// @ 747190e): it checks a status code only on reads and on follow/unfollow (200 in v1 and
// v2 alike); Register, Create Article, Create Comment (201 in v2) check the body only, which
// a 201 has; Delete Article and Delete Comment for Article (204 with no body in v2) have no
// test script at all; the other DELETEs it reads a body from (Unfavorite Article, Unfollow
// Profile) answer 200 with a body in v2 too. On every common request v2's test script is
// v1's plus extra assertions. The audit re-proves this each run and lists the cases.
const EXCEPTIONS = [];

const STATUS_CHECKS = [
  /responseCode\.code\s*===?\s*(\d{3})/g,
  /pm\.response\.code\s*===?\s*(\d{3})/g,
  /pm\.response\.to\.have\.status\(\s*(\d{3})\s*\)/g,
];
const ANY_STATUS = /responseCode|pm\.response\.(code|status|to\b)|to\.have\.status|to\.be\.(ok|success)/;
const READS_BODY = /responseBody|pm\.response\.(json|text)\(/;

function fail(message) {
  console.error('api-tests-v1: ' + message);
  process.exit(1);
}

function loadSpec(path) {
  const code = [
    'import json, sys, yaml',
    'spec = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))',
    'shared = spec.get("components", {}).get("responses", {})',
    'def resolve(r):',
    '    while "$ref" in r:',
    '        r = shared[r["$ref"].rsplit("/", 1)[1]]',
    '    return r',
    'ops = []',
    'for path, item in spec["paths"].items():',
    '    for method, op in item.items():',
    '        if method in ("get", "put", "post", "delete", "patch"):',
    '            codes = {c: bool(resolve(r).get("content")) for c, r in op["responses"].items()}',
    '            ops.append({"method": method.upper(), "path": path,',
    '                        "id": op.get("operationId"), "codes": codes})',
    'print(json.dumps({"version": spec["info"]["version"], "ops": ops}))',
  ].join('\n');
  const python = process.env.PYTHON || 'python3';
  return JSON.parse(execFileSync(python, ['-c', code, path], { encoding: 'utf8' }));
}

function requests(collection) {
  const out = [];
  const walk = (items, prefix) =>
    items.forEach((it) =>
      it.item ? walk(it.item, prefix + it.name + ' / ') : out.push({ key: prefix + it.name, item: it }),
    );
  walk(collection.item, '');
  return out;
}

function testLines(item) {
  return (item.event || [])
    .filter((ev) => ev.listen === 'test')
    .flatMap((ev) => [].concat(ev.script.exec || []));
}

// Each line of an item's test scripts: the status codes it accepts, whether it checks the
// status in some other way, whether it reads the body.
function checks(item) {
  return testLines(item).map((text) => {
    const codes = [];
    let rest = text;
    for (const re of STATUS_CHECKS) rest = rest.replace(re, (_, c) => (codes.push(Number(c)), ''));
    return { text, codes, unrecognised: ANY_STATUS.test(rest), readsBody: READS_BODY.test(text) };
  });
}

function operation(spec, method, rawUrl) {
  const path = rawUrl.replace(/^\{\{APIURL\}\}/, '').split('?')[0];
  const params = (p) => (p.match(/\{/g) || []).length;
  return spec.ops
    .filter((op) => op.method === method)
    .filter((op) => new RegExp('^' + op.path.replace(/\{[^}]+\}/g, '[^/]+') + '$').test(path))
    .sort((a, b) => params(a.path) - params(b.path))[0]; // /articles/feed before /articles/{slug}
}

function audit(collection, spec, v2ByKey, reviewed) {
  const problems = [];
  const notes = [];
  let statusLines = 0;
  const all = requests(collection);
  for (const { key, item } of all) {
    const url = typeof item.request.url === 'string' ? item.request.url : item.request.url.raw;
    const method = item.request.method;
    const op = operation(spec, method, url);
    if (!op) {
      problems.push({ key, text: `${method} ${url}`, why: 'matches no operation in the spec' });
      continue;
    }
    const documented = Object.keys(op.codes).map(Number);
    const success = documented.filter((c) => c >= 200 && c < 300);
    const bodyless = success.filter((c) => !op.codes[c]);
    const v2item = v2ByKey.get(key);
    const v2codes = v2item ? [...new Set(checks(v2item).flatMap((l) => l.codes))] : [];
    const lines = checks(item);
    for (const l of lines) {
      if (l.unrecognised) {
        problems.push({ key, text: l.text, why: 'checks the status in a form this audit does not recognise' });
      }
      if (l.codes.length) {
        statusLines++;
        if (!l.codes.some((c) => documented.includes(c))) {
          problems.push({ key, text: l.text, why: `accepts ${l.codes.join('/')}; the spec documents ${documented.join('/')} for ${op.id}` });
        } else if (v2codes.length && !l.codes.some((c) => v2codes.includes(c))) {
          problems.push({ key, text: l.text, why: `accepts ${l.codes.join('/')}; the v2 collection accepts ${v2codes.join('/')} here` });
        }
      }
      if (l.readsBody && success.length && bodyless.length === success.length && !reviewed.has(key + '\n' + l.text)) {
        problems.push({ key, text: l.text, why: `reads the body; ${op.id} answers ${bodyless.join('/')} with none` });
      }
    }
    if (!success.includes(200)) {
      const own = lines.filter((l) => l.codes.length).map((l) => l.codes.join('/'));
      const body = lines.some((l) => l.readsBody);
      notes.push(
        `${key}: ${method} ${op.path} answers ${success.join('/')}` +
          `${bodyless.length ? ' with no body' : ''} in the spec; v1 ` +
          (lines.length === 0
            ? 'has no test script for it'
            : `checks status ${own.length ? own.join(', ') : 'not at all'}` +
              `${body ? ' and reads the body' : ', reads no body'}`),
      );
    }
  }
  return { problems, notes, statusLines, count: all.length };
}

function applyExceptions(collection) {
  const byKey = new Map(requests(collection).map((r) => [r.key, r.item]));
  const reviewed = new Set();
  for (const ex of EXCEPTIONS) {
    const item = byKey.get(ex.request);
    if (!item) fail(`exception for "${ex.request}": no such request in the v1 collection`);
    let hits = 0;
    for (const ev of (item.event || []).filter((e) => e.listen === 'test')) {
      ev.script.exec = [].concat(ev.script.exec || []).map((line) => {
        if (!line.includes(ex.find)) return line;
        hits++;
        const patched = line.replace(ex.find, ex.replace);
        reviewed.add(ex.request + '\n' + patched);
        return patched;
      });
    }
    if (hits !== 1) fail(`exception for "${ex.request}": its text occurs ${hits} times, not once: ${ex.find}`);
  }
  return reviewed;
}

function main() {
  const [v1Path, v2Path, specPath, outPath] = process.argv.slice(2);
  if (!outPath) fail('usage: node api-tests-v1.js V1.json V2.json openapi.yml OUT.json');
  const v1 = JSON.parse(fs.readFileSync(v1Path, 'utf8'));
  const v2 = JSON.parse(fs.readFileSync(v2Path, 'utf8'));
  const spec = loadSpec(specPath);
  const v2ByKey = new Map(requests(v2).map((r) => [r.key, r.item]));

  // Every conflict in the original must be covered by an exception on that request and line.
  const before = audit(v1, spec, v2ByKey, new Set());
  const uncovered = before.problems.filter(
    (p) => !EXCEPTIONS.some((ex) => ex.request === p.key && p.text.includes(ex.find)),
  );
  const reviewed = applyExceptions(v1);
  // The rewritten lines must now accept what the spec answers; nothing else may be left.
  const after = audit(v1, spec, v2ByKey, reviewed);
  const left = [...uncovered, ...after.problems.filter((p) => !uncovered.some((u) => u.key === p.key && u.text === p.text))];

  console.log(`v1 exceptions (assertions rewritten to accept what openapi.yml ${spec.version} answers): ${EXCEPTIONS.length || 'none'}`);
  for (const ex of EXCEPTIONS) {
    console.log(`  - ${ex.request}\n      v1 expects: ${ex.v1}\n      spec/v2:    ${ex.spec}\n      why:        ${ex.why}`);
  }
  console.log('  v1 requests on operations that do not answer 200 in the spec:');
  for (const n of before.notes) console.log('    ' + n);
  if (left.length) {
    console.error('\nv1 assertions that disagree with the spec and are not in EXCEPTIONS (.ci/api-tests-v1.js):');
    for (const p of left) console.error(`  - ${p.key}: ${p.why}\n      ${p.text.trim()}`);
    process.exit(1);
  }
  console.log(
    `  audit: ${after.count} requests, ${after.statusLines} status checks; each accepts a code the spec ` +
      'documents and the v2 collection accepts, and no script reads a body the spec does not send',
  );
  v1.info.name += ' (v1, assertions aligned with the v2 spec by .ci/api-tests-v1.js)';
  fs.writeFileSync(outPath, JSON.stringify(v1, null, 1));
  console.log('  patched copy: ' + outPath);
}

main();
