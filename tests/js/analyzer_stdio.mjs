// Reads JSON lines (each an array of strings) on stdin; writes, per line, the JS analyzer's
// output for each string. Used by tests/test_analyzer.py to compare Python and JS.
import { createInterface } from "node:readline";
import { analyzeSpans, exact, indexTerms } from "../../theme/static/js/analyzer.js";

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  const texts = JSON.parse(line);
  const results = texts.map((text) => ({
    spans: analyzeSpans(text).map(({ term, start, end }) => [term, start, end]),
    index: indexTerms(text),
    exact: exact(text),
  }));
  process.stdout.write(`${JSON.stringify(results)}\n`);
}
