// Query parsing, mirrored by newsarchive/search/query.py: words and "quoted phrases".

import { exactSpans, stem } from "../analyzer.js";

const QUOTES_RE = /[«»“”„\u201f]/g;

/**
 * Split a query into distinct words ({stem, exact, start, end}) and phrases (lists of stems).
 * An unclosed quote is ignored.
 */
export function parseQuery(text) {
  const parts = String(text).replace(QUOTES_RE, '"').split('"');
  if (parts.length % 2 === 0) {
    const last = parts.pop();
    parts[parts.length - 1] += " " + last;
  }
  const units = [];
  const phrases = [];
  const seen = new Set();
  parts.forEach((part, index) => {
    const spans = exactSpans(part);
    const stems = spans.map(({ form }) => stem(form));
    if (index % 2 === 1 && stems.length > 1) phrases.push(stems);
    spans.forEach(({ form }, i) => {
      if (!seen.has(stems[i])) {
        seen.add(stems[i]);
        units.push({ stem: stems[i], exact: form });
      }
    });
  });
  return { units, phrases };
}
