// The static search client on a small hand-made set of search files (format of export.py).
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  FORMAT_VERSION,
  FormatError,
  SearchEngine,
  editDistance,
} from "../../theme/static/js/search/engine.js";
import { fnv1a, nameKey, ungap } from "../../theme/static/js/search/hash.js";
import { bestPassage, highlightPieces } from "../../theme/static/js/search/highlight.js";
import { parseQuery } from "../../theme/static/js/search/query.js";

// Six articles, numbered in date order; every shard count is 1 so every key is in file 0.
const card = (id, day, source, title, snippet) => [id, `articles/${id}/`, title, day, day, source, snippet];
const FILES = {
  "manifest.json": {
    version: FORMAT_VERSION, docs: 6, head: 2, cardChunk: 2, termShards: 1, posShards: 1,
    nameShards: 1, entityShards: 1, vocabShards: 1, undated: 0,
    passageChars: 60, facetChunk: 4, facetShards: 1,
  },
  // Article texts for the snippets (d's mentions العراق only far from its start).
  "a/0.json": "خبر عن العراق",
  "a/3.json": `${"كلام تمهيدي طويل ".repeat(8)}ثم زار الوفد والعراقيين ولبغداد ثم عاد <img src=x onerror=alert(1)>`,
  // Facets: entity codes number * 4 + type (PER 0, LOC 1); العراق is entity 0, ولي العهد 1.
  "f/0.json": [[1], [1], [4, 1], [4, 1]],
  "f/1.json": [[], []],
  "m/0.json": {
    0: ["loc-iraq", "العراق", "LOC", "entities/loc-iraq/", 4],
    1: ["per-crown", "ولي العهد", "PER", "entities/per-crown/", 2],
  },
  "t/0.json": {
    // عراق is in all four documents: the head keeps the best two, p/0.json has all (second).
    "عراق": [4, [3, 300, 1, 200], 0, 1],
    "=العراق": [1, [0, 250]],
    "ولي": [2, [2, 120, 3, 100]],
    "عهد": [2, [3, 110, 2, 100]],
    "=ولي": [2, [2, 150, 3, 130]],
    "=العهد": [2, [3, 140, 2, 130]],
    "بمصر": [2, [1, 90, 3, 10]],
    "=بمصر": [2, [1, 130, 3, 120]],
    "مصر": [5, [3, 70, 1, 60, 0, 50, 4, 45, 5, 44]],
  },
  "p/0.json": [
    [[2], [90]],
    [[0, 1, 1, 1], [150, 200, 100, 300]],
  ],
  // Per document: doc gap, number of positions, position gaps (ولي: doc 2 at 4, doc 3 at 9).
  "x/0.json": { "ولي": [2, 1, 4, 1, 1, 9], "عهد": [2, 1, 5, 1, 1, 1] },
  "c/0.json": [
    card("a", "2015-07-01", "صحيفة الرياض", "العراق اليوم", "خبر عن العراق"),
    card("b", "2015-07-02", "صحيفة عكاظ", "والعراق غدا", "وللعراق حضور"),
  ],
  "c/1.json": [
    card("c", "2015-07-03", "صحيفة عكاظ", "ولي العهد", "استقبل ولي العهد"),
    card("d", "2015-07-04", "صحيفة الرياض", "العهد وولي", "عهد العراقي"),
  ],
  "c/2.json": [
    card("e", "2015-07-05", "صحيفة عكاظ", "مصر", "خبر عن مصر"),
    card("f", "2015-07-06", "صحيفة عكاظ", "مصر اليوم", "خبر آخر عن مصر"),
  ],
  "s.json": { names: ["صحيفة الرياض", "صحيفة عكاظ"], docs: [[0, 3], [1, 1]] },
  "d.json": { days: ["2015-07-01", "2015-07-02", "2015-07-03", "2015-07-04"], first: [0, 1, 2, 3] },
  "n/0.json": {
    "عر": [["loc-iraq", "العراق", "LOC", "entities/loc-iraq/", 4, "العراق عراق"]],
    "ول": [["per-crown", "ولي العهد", "PER", "entities/per-crown/", 2, "ولي العهد عهد"]],
  },
  "e/0.json": { "per-crown": [2, 1] },
  "v/0.json": { "عر": [["العراق", "العراق", 9], ["العراقي", "العراقي", 3]] },
};

function engine(files = FILES) {
  const fetched = [];
  const search = new SearchEngine(async (path) => {
    fetched.push(path);
    if (!(path in files)) throw new Error(`missing ${path}`);
    return structuredClone(files[path]);
  });
  return { search, fetched };
}

const ids = (found) => found.results.map((r) => r.id);

test("search files of another version are refused, not misread", async () => {
  const older = { ...FILES["manifest.json"], version: FORMAT_VERSION - 1 };
  const { search, fetched } = engine({ ...FILES, "manifest.json": older });
  await assert.rejects(search.search("العراق"), FormatError);
  await assert.rejects(search.suggestNames("عر"), FormatError);
  assert.deepEqual(fetched, ["manifest.json"]);
});

test("shard hash matches the Python twin", () => {
  assert.equal(fnv1a(""), 0x811c9dc5);
  assert.equal(fnv1a("عراق"), 2421733675);
  assert.equal(fnv1a("=العراق"), 1026577146);
  assert.deepEqual(ungap([3, 2, 5]), [3, 5, 10]);
  assert.equal(nameKey("الكاظمي"), "كا");
});

test("queries split into distinct words and quoted phrases", () => {
  const parsed = parseQuery('الملك "ولي العهد" والعراق «مجلس الوزراء');
  assert.deepEqual(
    parsed.units.map((u) => u.exact),
    ["الملك", "ولي", "العهد", "والعراق", "مجلس", "الوزراء"],
  );
  assert.deepEqual(parsed.phrases, [["ولي", "عهد"]]);
});

test("highlighting marks every surface form of a matched word", () => {
  const pieces = highlightPieces("زار الوفد والعراق ولبغداد أمس", ["عراق", "بغداد"]);
  assert.deepEqual(
    pieces.filter((p) => p.match).map((p) => p.text),
    ["والعراق", "ولبغداد"],
  );
  assert.equal(pieces.map((p) => p.text).join(""), "زار الوفد والعراق ولبغداد أمس");
});

test("one word: the exact form first, answered from the head without the long list", async () => {
  const { search, fetched } = engine();
  const found = await search.search("العراق", { limit: 2 });
  assert.equal(found.total, 4);
  assert.deepEqual(ids(found), ["a", "d"]); // a has العراق itself; d has the best stem score
  assert.ok(!fetched.includes("p/0.json"));
  assert.equal(found.results[0].title, "العراق اليوم");
});

test("beyond the head the full postings are read and ranking continues", async () => {
  const { search, fetched } = engine();
  const found = await search.search("العراق", { limit: 10 });
  assert.deepEqual(ids(found), ["a", "d", "b", "c"]);
  assert.ok(fetched.includes("p/0.json"));
});

test("a phrase needs its words next to each other", async () => {
  const { search } = engine();
  assert.deepEqual(ids(await search.search('"ولي العهد"')), ["c"]);
  assert.deepEqual(ids(await search.search("ولي العهد")), ["c", "d"]); // 280 vs 270
  assert.equal((await search.search('"العهد ولي"')).total, 0);
});

test("filters: source and date range restrict the matches", async () => {
  const { search } = engine();
  const bySource = await search.search("العراق", { filters: { source: "صحيفة عكاظ" } });
  assert.deepEqual(ids(bySource), ["b", "c"]);
  const byDate = await search.search("العراق", { filters: { from: "2015-07-02", to: "2015-07-03" } });
  assert.deepEqual(ids(byDate), ["b", "c"]);
  const entityOnly = await search.search("", { filters: { entity: "per-crown" } });
  assert.deepEqual(ids(entityOnly), ["d", "c"]); // newest first
});

test("a misspelt word gets a suggestion from the archive's vocabulary", async () => {
  const { search } = engine();
  const found = await search.search("العراك");
  assert.equal(found.total, 0);
  assert.equal(found.suggestion, "العراق");
  assert.equal(editDistance("العراك", "العراق"), 1);
});

test("typing a name suggests entities with type and article count", async () => {
  const { search } = engine();
  assert.deepEqual(await search.suggestNames("العر"), [
    { id: "loc-iraq", name: "العراق", type: "LOC", url: "entities/loc-iraq/", count: 4 },
  ]);
  assert.deepEqual(await search.suggestNames("العر", { type: "PER" }), []);
  assert.equal((await search.suggestNames("ولي الع"))[0].id, "per-crown");
});

test("a word with a bare clitic is read as the far more frequent bare word", async () => {
  const { search } = engine();
  const found = await search.search("بمصر");
  assert.deepEqual(found.terms, ["مصر"]);
  assert.equal(found.total, 5);
  // b and d have بمصر itself; their exact scores are re-based on مصر: d 120-10+70, b 130-90+60
  assert.deepEqual(ids(found), ["d", "b", "a", "e", "f"]);
});

test("pages of results follow one another", async () => {
  const { search } = engine();
  const first = await search.search("العراق", { offset: 0, limit: 2 });
  const second = await search.search("العراق", { offset: 2, limit: 2 });
  assert.deepEqual([...ids(first), ...ids(second)], ["a", "d", "b", "c"]);
  assert.equal(second.total, 4);
});

test("the snippet is the passage around the match, every matching form highlighted", async () => {
  const { search, fetched } = engine();
  const found = await search.search("بغداد العراقيين", { limit: 10 });
  const cards = [{ doc: 3, snippet: "start" }, { doc: 1, snippet: "عهد العراقي" }];
  const [far, missing] = await search.passages(cards, ["بغداد", "عراقي"]);
  assert.ok(far.before && far.text.includes("والعراقيين"));
  assert.ok(!far.text.startsWith("كلام تمهيدي طويل كلام"));
  const marked = highlightPieces(far.text, ["بغداد", "عراقي"]).filter((p) => p.match);
  assert.deepEqual(marked.map((p) => p.text), ["والعراقيين", "ولبغداد"]);
  // Only the texts of the cards shown are fetched; a missing text falls back to the card's.
  assert.ok(fetched.includes("a/3.json") && !fetched.includes("a/2.json"));
  assert.deepEqual(missing, { text: "عهد العراقي", before: false, after: false });
  assert.equal(found.total, 0);
});

test("a passage without a match is the start of the text, cut at a space", () => {
  const passage = bestPassage("واحد  اثنان\nثلاثة أربعة خمسة", ["سبعه"], 12);
  assert.deepEqual(passage, { text: "واحد اثنان ثلاثة", before: false, after: true });
  const whole = bestPassage("العراق", ["عراق"], 240);
  assert.deepEqual(whole, { text: "العراق", before: false, after: false });
});

test("facets count sources, entity types and entities among the results", async () => {
  const { search, fetched } = engine();
  assert.ok(!fetched.some((f) => f.startsWith("f/")));
  const found = await search.facets("العراق");
  assert.equal(found.total, 4);
  assert.deepEqual(found.sources, [
    { name: "صحيفة الرياض", count: 2 },
    { name: "صحيفة عكاظ", count: 2 },
  ]);
  assert.deepEqual(found.types, [
    { type: "LOC", count: 4 },
    { type: "PER", count: 2 },
  ]);
  assert.deepEqual(
    found.entities.map((e) => [e.id, e.count]),
    [
      ["loc-iraq", 4],
      ["per-crown", 2],
    ],
  );
  // The counts are those of the result set: filtering by an entity gives its count of results.
  const crown = await search.search("العراق", { filters: { entity: "per-crown" } });
  assert.equal(crown.total, found.entities[1].count);
  const persons = await search.facets("العراق", { type: "PER" });
  assert.deepEqual(persons.entities.map((e) => e.name), ["ولي العهد"]);
  const narrowed = await search.facets("العراق", { filters: { source: "صحيفة عكاظ" } });
  assert.equal(narrowed.total, 2);
  assert.deepEqual(narrowed.sources, [{ name: "صحيفة عكاظ", count: 2 }]);
});
