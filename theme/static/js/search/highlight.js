// Which words of a text matched a query: every surface form whose index terms include a query stem.

import { exactSpans, stem, stemAlternatives } from "../analyzer.js";

/** Split text into [{text, match}] pieces, match true for words matching one of the stems. */
export function highlightPieces(text, stems) {
  const wanted = new Set(stems);
  const pieces = [];
  let at = 0;
  let lastEnd = -1;
  for (const { form, start, end } of exactSpans(text)) {
    if (start < lastEnd) continue; // a token split into several forms is marked once
    const terms = [stem(form), ...stemAlternatives(form)];
    if (!terms.some((t) => wanted.has(t))) continue;
    if (start > at) pieces.push({ text: text.slice(at, start), match: false });
    pieces.push({ text: text.slice(start, end), match: true });
    at = lastEnd = end;
  }
  if (at < text.length) pieces.push({ text: text.slice(at), match: false });
  return pieces;
}
