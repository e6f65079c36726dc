// The static search engine: reads the files written by newsarchive/search/export.py, lazily.
// Ranking (identical to the Whoosh engine in newsarchive/search/query.py): more words matched in
// their exact form first, then the sum of the words' precomputed scores, then the newer article.

import { exactSpans, stemAlternatives } from "../analyzer.js";
import { nameKey, shardOf, ungap } from "./hash.js";
import { bestPassage } from "./highlight.js";
import { parseQuery } from "./query.js";

const EXACT = "=";
// The version of the search files this client reads: export.py's FORMAT_VERSION (a test checks).
export const FORMAT_VERSION = 3;
// Entity type of a facet code (code % 4), as export.FACET_TYPES numbers them.
const FACET_TYPES = ["PER", "LOC", "ORG", "MISC"];

/** The search files are of another version than this client reads (an older copy of it). */
export class FormatError extends Error {}

function compareRanked(a, b) {
  return b.exact - a.exact || b.score - a.score || b.doc - a.doc;
}

/** Levenshtein distance, stopping early above max. */
export function editDistance(a, b, max = 2) {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      best = Math.min(best, current[j]);
    }
    if (best > max) return max + 1;
    previous = current;
  }
  return previous[b.length];
}

export class SearchEngine {
  /** fetchJSON(path) loads a file relative to the search folder, e.g. "t/12.json". */
  constructor(fetchJSON) {
    this.fetchJSON = fetchJSON;
    this.files = new Map();
    this.decoded = new Map();
    this.checked = null; // the manifest, once its version is checked
  }

  load(path) {
    if (!this.files.has(path)) {
      const promise = this.fetchJSON(path);
      promise.catch(() => this.files.delete(path)); // let a failed fetch be retried
      this.files.set(path, promise);
    }
    return this.files.get(path);
  }

  /** The manifest; it rejects with a FormatError when the files are of another version. */
  manifest() {
    if (!this.checked) {
      this.checked = this.load("manifest.json").then((manifest) => {
        if (manifest.version === FORMAT_VERSION) return manifest;
        throw new FormatError(`search files of version ${manifest.version}, not ${FORMAT_VERSION}`);
      });
      this.checked.catch(() => (this.checked = null)); // a failed fetch is tried again
    }
    return this.checked;
  }

  /**
   * The dictionary entries of a query word: its stem and its exact form (or null). A word that
   * may carry a bare clitic (بمصر) is read as its clitic-free stem (مصر) when that is over twice
   * as frequent, as the Whoosh engine does (resolve_stem in query.py).
   */
  async entries(unit) {
    const manifest = await this.manifest();
    const shardFor = (stem) => this.load(`t/${shardOf(stem, manifest.termShards)}.json`);
    const shard = await shardFor(unit.stem);
    const canonical = shard[unit.stem] ?? null;
    let stem = canonical;
    let term = unit.stem;
    for (const alternative of stemAlternatives(unit.exact)) {
      const entry = (await shardFor(alternative))[alternative];
      if (entry && entry[0] > 2 * (stem ? stem[0] : 0)) {
        stem = entry;
        term = alternative;
      }
    }
    // Exact-form scores include the canonical stem's score; a resolved word swaps it out.
    const swapped = term === unit.stem ? null : canonical;
    return { stem, exact: shard[EXACT + unit.exact] ?? null, term, swapped };
  }

  /** Every posting of an entry as a Map doc → score (from the head when it is complete). */
  async postings(entry) {
    if (!entry) return new Map();
    const map = new Map();
    if (entry.length < 3) {
      const head = entry[1];
      for (let i = 0; i < head.length; i += 2) map.set(head[i], head[i + 1]);
      return map;
    }
    // A long list is at a place in a file of a few (entry[2], entry[3]); each is decoded once:
    // repeated queries (typing, "more results") reuse it.
    const key = `${entry[2]}/${entry[3]}`;
    if (!this.decoded.has(key)) {
      const [gaps, scores] = (await this.load(`p/${entry[2]}.json`))[entry[3]];
      const docs = ungap(gaps);
      for (let i = 0; i < docs.length; i++) map.set(docs[i], scores[i]);
      this.decoded.set(key, map);
    }
    return this.decoded.get(key);
  }

  /**
   * Search: {results: [card], total, suggestion, terms} for results offset..offset+limit;
   * terms are the stems matched, for highlighting.
   * filters: {source, entity, from, to} (ISO days); a query without words lists the filtered
   * articles, newest first.
   */
  async search(text, { offset = 0, limit = 10, filters = {} } = {}) {
    const parsed = parseQuery(text);
    const filtered = Boolean(filters.source || filters.entity || filters.from || filters.to);
    if (!parsed.units.length) {
      if (!filtered) return { results: [], total: 0, suggestion: null };
      const docs = [...(await this.filterDocs(filters))].sort((a, b) => b - a);
      const ranked = docs.map((doc) => ({ doc, exact: 0, score: 0 }));
      return this.page(ranked, ranked.length, offset, limit, null);
    }
    const entries = await Promise.all(parsed.units.map((unit) => this.entries(unit)));
    const terms = entries.map((e) => e.term);
    if (entries.some((e) => !e.stem)) {
      const suggestion = await this.didYouMean(text, parsed, entries);
      return { results: [], total: 0, suggestion, terms };
    }
    let found = null;
    if (parsed.units.length === 1 && !filtered && !entries[0].swapped) {
      const quick = this.fromHeads(entries[0], offset + limit);
      if (quick) found = await this.page(quick, entries[0].stem[0], offset, limit, null);
    }
    if (!found) {
      const ranked = await this.rankAll(parsed, entries, filtered ? filters : null);
      found = await this.page(ranked, ranked.length, offset, limit, null);
    }
    return { ...found, terms };
  }

  /** Every document matching the query and filters, best first (full postings). */
  async matchAll(text, filters = {}) {
    const parsed = parseQuery(text);
    const filtered = Boolean(filters.source || filters.entity || filters.from || filters.to);
    if (!parsed.units.length) {
      return filtered ? [...(await this.filterDocs(filters))].sort((a, b) => b - a) : [];
    }
    const entries = await Promise.all(parsed.units.map((unit) => this.entries(unit)));
    if (entries.some((e) => !e.stem)) return [];
    const ranked = await this.rankAll(parsed, entries, filtered ? filters : null);
    return ranked.map((r) => r.doc);
  }

  /**
   * Facets of the results: {total, considered, sources, types, entities}. Sources count every
   * result; entity types and entities count the first `considered` results (at most `limit`):
   * types [{type, count}] (results naming an entity of the type), entities [{id, name, type,
   * url, count}] (the `top` most named, of `type` when given). Loaded only when asked for.
   */
  async facets(text, { filters = {}, type = "", limit = 200, top = 8 } = {}) {
    const manifest = await this.manifest();
    const docs = await this.matchAll(text, filters);
    const matched = new Set(docs);
    const { names, docs: perSource } = await this.load("s.json");
    const sources = names
      .map((name, i) => ({ name, count: ungap(perSource[i]).filter((d) => matched.has(d)).length }))
      .filter((s) => s.count > 0)
      .sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : 1));
    const considered = docs.slice(0, limit);
    const types = new Map();
    const entities = new Map();
    if (manifest.facetChunk) {
      const chunks = await Promise.all(
        considered.map((doc) => this.load(`f/${Math.floor(doc / manifest.facetChunk)}.json`)),
      );
      considered.forEach((doc, i) => {
        const codes = chunks[i][doc % manifest.facetChunk] ?? [];
        const kinds = new Set();
        for (const code of codes) {
          const kind = FACET_TYPES[code % 4];
          kinds.add(kind);
          if (!type || kind === type) {
            const number = Math.floor(code / 4);
            entities.set(number, (entities.get(number) ?? 0) + 1);
          }
        }
        for (const kind of kinds) types.set(kind, (types.get(kind) ?? 0) + 1);
      });
    }
    const best = [...entities]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, top);
    const named = await Promise.all(
      best.map(async ([number, count]) => {
        const shard = await this.load(`m/${number % manifest.facetShards}.json`);
        const [id, name, kind, url] = shard[String(number)];
        return { id, name, type: kind, url, count };
      }),
    );
    return {
      total: docs.length,
      considered: considered.length,
      sources,
      types: [...types]
        .map(([kind, count]) => ({ type: kind, count }))
        .sort((a, b) => b.count - a.count || typeOrder(a.type) - typeOrder(b.type)),
      entities: named,
    };
  }

  /** Rank one word from the best-first heads alone, or null when they cannot tell. */
  fromHeads({ stem, exact }, needed) {
    const headOf = (entry) => {
      const out = [];
      const head = entry ? entry[1] : [];
      for (let i = 0; i < head.length; i += 2) out.push({ doc: head[i], score: head[i + 1] });
      return out;
    };
    const exactHead = headOf(exact).map((p) => ({ ...p, exact: 1 }));
    const exactComplete = !exact || exact.length < 3;
    if (!exactComplete) return exactHead.length >= needed ? exactHead : null;
    const inExact = new Set(exactHead.map((p) => p.doc));
    const rest = headOf(stem)
      .filter((p) => !inExact.has(p.doc))
      .map((p) => ({ ...p, exact: 0 }));
    const ranked = exactHead.concat(rest);
    const stemComplete = stem.length < 3;
    return stemComplete || ranked.length >= needed ? ranked : null;
  }

  /** Rank every match of the query from full postings, filters and phrases applied. */
  async rankAll(parsed, entries, filters) {
    const lists = await Promise.all(
      entries.map(async (e) => {
        const stems = await this.postings(e.stem);
        let exacts = await this.postings(e.exact);
        if (e.swapped) {
          const canonical = await this.postings(e.swapped);
          exacts = new Map(
            [...exacts].map(([doc, c]) => [doc, c - (canonical.get(doc) ?? 0) + stems.get(doc)]),
          );
        }
        return [stems, exacts];
      }),
    );
    const order = lists.map((_, i) => i).sort((a, b) => lists[a][0].size - lists[b][0].size);
    let candidates = [...lists[order[0]][0].keys()];
    for (const i of order.slice(1)) candidates = candidates.filter((d) => lists[i][0].has(d));
    if (filters) {
      const allowed = await this.filterDocs(filters);
      candidates = candidates.filter((d) => allowed.has(d));
    }
    for (const phrase of parsed.phrases) {
      candidates = await this.withPhrase(phrase, candidates);
    }
    const ranked = candidates.map((doc) => {
      let score = 0;
      let exact = 0;
      for (const [stems, exacts] of lists) {
        if (exacts.has(doc)) {
          score += exacts.get(doc);
          exact += 1;
        } else score += stems.get(doc);
      }
      return { doc, score, exact };
    });
    return ranked.sort(compareRanked);
  }

  /** The candidates in which the phrase's stems occur at consecutive positions. */
  async withPhrase(stems, candidates) {
    const manifest = await this.manifest();
    const positions = await Promise.all(
      stems.map(async (stem) => {
        const shard = await this.load(`x/${shardOf(stem, manifest.posShards)}.json`);
        return decodePositions(shard[stem] ?? []);
      }),
    );
    return candidates.filter((doc) => {
      const sets = positions.map((p) => p.get(doc));
      if (sets.some((s) => !s)) return false;
      for (const start of sets[0]) {
        if (sets.every((set, i) => set.has(start + i))) return true;
      }
      return false;
    });
  }

  /** Documents allowed by the filters, as a Set of numbers. */
  async filterDocs({ source, entity, from, to }) {
    const manifest = await this.manifest();
    let allowed = null;
    const keep = (docs) => {
      allowed = allowed ? new Set([...docs].filter((d) => allowed.has(d))) : new Set(docs);
    };
    if (from || to) {
      const { days, first } = await this.load("d.json");
      const lo = from ? firstOnOrAfter(days, first, from, manifest.docs) : manifest.undated;
      const hi = to ? firstAfter(days, first, to, manifest.docs) : manifest.docs;
      const range = [];
      for (let d = Math.max(lo, manifest.undated); d < hi; d++) range.push(d);
      keep(range);
    }
    if (source) {
      const { names, docs } = await this.load("s.json");
      const index = names.indexOf(source);
      keep(index < 0 ? [] : ungap(docs[index]));
    }
    if (entity) keep(await this.entityDocs(entity));
    return allowed ?? new Set();
  }

  /** Document numbers of an entity. */
  async entityDocs(id) {
    const manifest = await this.manifest();
    const shard = await this.load(`e/${shardOf(id, manifest.entityShards)}.json`);
    return ungap(shard[id] ?? []);
  }

  /** Cards for ranked[offset..offset+limit] and the total. */
  async page(ranked, total, offset, limit, suggestion) {
    const slice = ranked.slice(offset, offset + limit);
    const results = await Promise.all(slice.map((r) => this.card(r.doc)));
    return { results, total, suggestion };
  }

  /** The result card of a document. */
  async card(doc) {
    const { cardChunk } = await this.manifest();
    const chunk = await this.load(`c/${Math.floor(doc / cardChunk)}.json`);
    const [id, url, title, day, date, source, snippet] = chunk[doc % cardChunk];
    return { doc, id, url, title, day, date, source, snippet };
  }

  /**
   * The snippet of each card: the passage of its article that shows the most query stems
   * ({text, before, after}, see bestPassage), from the article's text file, fetched only for
   * the cards shown; the card's own snippet (the article's start) when that file is missing.
   */
  async passages(cards, stems) {
    const { passageChars = 240 } = await this.manifest();
    return Promise.all(
      cards.map(async (card) => {
        try {
          return bestPassage(await this.load(`a/${card.doc}.json`), stems, passageChars);
        } catch {
          return { text: card.snippet ?? "", before: false, after: false };
        }
      }),
    );
  }

  /** A corrected query when some words are not in the archive, or null. */
  async didYouMean(text, parsed, entries) {
    const manifest = await this.manifest();
    let corrected = String(text);
    let changed = false;
    for (let i = 0; i < parsed.units.length; i++) {
      if (entries[i].stem) continue;
      const form = parsed.units[i].exact;
      const length = [...form].length;
      if (length < 3) continue;
      const max = length <= 4 ? 1 : 2;
      const shard = await this.load(`v/${shardOf(nameKey(form), manifest.vocabShards)}.json`);
      let best = null;
      for (const [word, spelling, df] of shard[nameKey(form)] ?? []) {
        const distance = editDistance(form, word, max);
        if (distance > max || distance === 0) continue;
        if (!best || distance < best.distance || (distance === best.distance && df > best.df)) {
          best = { spelling, distance, df };
        }
      }
      if (!best) continue;
      const span = exactSpans(corrected).find((s) => s.form === form);
      if (!span) continue;
      corrected = corrected.slice(0, span.start) + best.spelling + corrected.slice(span.end);
      changed = true;
    }
    return changed ? corrected : null;
  }

  /** Entities whose name words start with the typed words: [{id, name, type, url, count}]. */
  async suggestNames(text, { type = "", limit = 8 } = {}) {
    const forms = exactSpans(text).map((s) => s.form);
    if (!forms.length || [...forms[0]].length < 2) return [];
    const manifest = await this.manifest();
    const key = nameKey(forms[0]);
    if ([...key].length < 2) return [];
    const shard = await this.load(`n/${shardOf(key, manifest.nameShards)}.json`);
    const out = [];
    for (const [id, name, kind, url, count, words] of shard[key] ?? []) {
      if (type && kind !== type) continue;
      const nameWords = words.split(" ");
      if (!forms.every((f) => nameWords.some((w) => w.startsWith(f)))) continue;
      out.push({ id, name, type: kind, url, count });
      if (out.length >= limit) break;
    }
    return out;
  }
}

/**
 * A term's positions, Map doc → Set of word positions, from its flat list: per document, the
 * document as a gap from the previous one, how many positions, then the positions as gaps.
 */
export function decodePositions(flat) {
  const out = new Map();
  let doc = 0;
  for (let i = 0; i < flat.length; ) {
    doc += flat[i];
    const count = flat[i + 1];
    const at = new Set();
    let position = 0;
    for (let j = 0; j < count; j++) {
      position += flat[i + 2 + j];
      at.add(position);
    }
    out.set(doc, at);
    i += 2 + count;
  }
  return out;
}

function typeOrder(type) {
  return FACET_TYPES.indexOf(type);
}

function firstOnOrAfter(days, first, day, total) {
  const i = days.findIndex((d) => d >= day);
  return i < 0 ? total : first[i];
}

function firstAfter(days, first, day, total) {
  const i = days.findIndex((d) => d > day);
  return i < 0 ? total : first[i];
}
