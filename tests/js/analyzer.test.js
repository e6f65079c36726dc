// The JS analyzer against the golden file written from the Python analyzer, plus key examples.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import {
  analyze,
  analyzeSpans,
  analyzeWord,
  exact,
  exactForm,
  indexTerms,
  stemAlternatives,
} from "../../theme/static/js/analyzer.js";

const GOLDEN = new URL("../data/analyzer_golden.tsv", import.meta.url);

function goldenRows() {
  return readFileSync(GOLDEN, "utf8")
    .split("\n")
    .filter((line) => line && !line.startsWith("#"))
    .map((line) => line.split("\t"));
}

test("golden file: every token analyses as in Python", () => {
  const rows = goldenRows();
  assert.ok(rows.length >= 20000, `only ${rows.length} golden tokens`);
  const differences = [];
  for (const [token, terms, alternatives] of rows) {
    const gotTerms = analyze(token).join(" ");
    const gotAlternatives = exact(token).flatMap(stemAlternatives).join(" ");
    if (gotTerms !== terms || gotAlternatives !== alternatives) {
      differences.push([token, terms, gotTerms, alternatives, gotAlternatives]);
    }
  }
  assert.deepEqual(differences.slice(0, 10), [], `${differences.length} differences`);
});

const SAME_TERM = [
  ["والعراق", "العراق"],
  ["فالحكومة", "الحكومة"],
  ["بالكاظمي", "الكاظمي"],
  ["للمدرسة", "المدرسة"],
  ["أحمد", "احمد"],
  ["مستشفى", "مستشفي"],
  ["سَلْمَانُ", "سلمان"],
  ["العـــراق", "العراق"],
  ["\ufe8d\ufedf\ufecc\ufeae\ufe8d\ufed5", "العراق"],
  ["٢٠١٥", "2015"],
  ["المعلمون", "معلم"],
  ["Trump", "trump"],
];
for (const [variant, plain] of SAME_TERM) {
  test(`${variant} analyses like ${plain}`, () => {
    assert.deepEqual(analyze(variant), analyze(plain));
  });
}

test("names keep their term: كاميرون is not كاميرا, بغداد stays بغداد", () => {
  assert.notEqual(analyzeWord("كاميرون"), analyzeWord("كاميرا"));
  assert.equal(analyzeWord("بغداد"), "بغداد");
  assert.notEqual(analyzeWord("البحرين"), analyzeWord("البحر"));
});

test("a bare clitic is indexed both ways, so بغداد finds لبغداد", () => {
  assert.deepEqual(indexTerms("لبغداد"), [["لبغداد", "بغداد"]]);
  assert.ok(indexTerms("وقال")[0].includes(analyzeWord("قال")));
});

test("stopwords are terms", () => {
  assert.deepEqual(analyze("في من على"), ["في", "من", "علي"]);
});

test("spans are JS string indices into the original text", () => {
  const text = "😀 قال الكاظميُّ ﻻ";
  const spans = analyzeSpans(text);
  assert.deepEqual(
    spans.map(({ start, end }) => text.slice(start, end)),
    ["قال", "الكاظميُّ", "ﻻ"],
  );
  assert.equal(spans[0].start, 3); // the emoji is two UTF-16 units (one code point in Python)
  assert.deepEqual(
    spans.map(({ term }) => term),
    ["قال", "كاظمي", "لا"],
  );
});

test("exact forms are normalised but not stemmed", () => {
  assert.equal(exactForm("بالمدرسةِ"), "بالمدرسه");
  assert.equal(exactForm("ذهب الى"), null);
  assert.equal(analyzeWord(""), null);
});
