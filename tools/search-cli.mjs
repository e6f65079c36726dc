#!/usr/bin/env node
// Run the theme's own search client under Node against a built site's static search files.
// Usage: node tools/search-cli.mjs QUERY [--dir output] [--limit N | --all] [--json]
// With --json the last line is {"results": [{id, url, title}], "total", "bytes"}, where bytes is
// what a browser downloads gzipped for the query: the search page's JavaScript (the import graph
// of page.js) plus every data file the query fetched, the texts for the shown results' snippets
// included (the page fetches them to cut the passage around the matched words).

import { readFileSync, existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const HERE = dirname(fileURLToPath(import.meta.url));
const JS_ROOT = resolve(HERE, "../theme/static/js");
const ENTRY = join(JS_ROOT, "search/page.js");

const { SearchEngine } = await import(join(JS_ROOT, "search/engine.js"));
const { parseQuery } = await import(join(JS_ROOT, "search/query.js"));

/** gzip size of a buffer (zlib's default level, as a web server compresses on the fly). */
export function gzipBytes(buffer) {
  return gzipSync(buffer).length;
}

/** Every module file reachable from the entry module through static imports. */
export function moduleGraph(entry) {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file) || !existsSync(file)) return;
    seen.add(file);
    const source = readFileSync(file, "utf8");
    for (const match of source.matchAll(/^\s*(?:import|export)[^;]*?from\s+["'](\.[^"']+)["']/gms)) {
      visit(resolve(dirname(file), match[1]));
    }
  };
  visit(entry);
  return [...seen];
}

/** A SearchEngine over the files of dir/search that records what it read. */
export function fileEngine(dir) {
  const searchDir = join(dir, "search");
  const fetched = new Map();
  const engine = new SearchEngine(async (path) => {
    const buffer = readFileSync(join(searchDir, path));
    fetched.set(path, gzipBytes(buffer));
    return JSON.parse(buffer.toString("utf8"));
  });
  const bytes = () => {
    const js = moduleGraph(ENTRY).reduce((sum, f) => sum + gzipBytes(readFileSync(f)), 0);
    return js + [...fetched.values()].reduce((a, b) => a + b, 0);
  };
  return { engine, fetched, bytes };
}

function parseArgs(argv) {
  const options = { dir: "output", limit: 10, all: false, json: false, query: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--dir" || arg === "--output") options.dir = argv[++i];
    else if (arg === "--limit") options.limit = Number(argv[++i]);
    else if (arg === "--all") options.all = true;
    else if (arg === "--json") options.json = true;
    else if (options.query === null) options.query = arg;
    else options.query += " " + arg;
  }
  return options;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (!options.query) {
    console.error("usage: search-cli.mjs QUERY [--dir DIR] [--limit N | --all] [--json]");
    process.exit(2);
  }
  const { engine, bytes } = fileEngine(options.dir);
  const limit = options.all ? Infinity : options.limit;
  const found = await engine.search(options.query, { limit });
  const results = found.results.map(({ id, url, title }) => ({ id, url, title }));
  // As the page does: the snippet passages of the results shown (of the first page only).
  const units = parseQuery(options.query).units.map((u) => u.stem);
  const stems = [...new Set([...units, ...(found.terms ?? [])])];
  const snippets = await engine.passages(found.results.slice(0, 10), stems);
  if (options.json) {
    console.log(JSON.stringify({ results, total: found.total, bytes: bytes() }));
    return;
  }
  console.log(`${found.total} results, ${bytes()} bytes gzipped`);
  if (found.suggestion) console.log(`did you mean: ${found.suggestion}`);
  found.results.forEach((r, i) => {
    console.log(`${r.day}  ${r.id}  ${r.title}`);
    if (snippets[i]) console.log(`    ${snippets[i].text}`);
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
