// Which words of a text matched a query: every surface form whose index terms include a query
// stem; and the passage of an article that shows them best (the result snippet).

import { exactSpans, stem, stemAlternatives } from "../analyzer.js";

/** Spans {start, end, terms} of the words of the text that match one of the stems. */
export function matchSpans(text, stems) {
  const wanted = new Set(stems);
  const spans = [];
  let lastEnd = -1;
  for (const { form, start, end } of exactSpans(text)) {
    if (start < lastEnd) continue; // a token split into several forms is marked once
    const terms = [stem(form), ...stemAlternatives(form)].filter((t) => wanted.has(t));
    if (!terms.length) continue;
    spans.push({ start, end, terms });
    lastEnd = end;
  }
  return spans;
}

/** Split text into [{text, match}] pieces, match true for words matching one of the stems. */
export function highlightPieces(text, stems) {
  const pieces = [];
  let at = 0;
  for (const { start, end } of matchSpans(text, stems)) {
    if (start > at) pieces.push({ text: text.slice(at, start), match: false });
    pieces.push({ text: text.slice(start, end), match: true });
    at = end;
  }
  if (at < text.length) pieces.push({ text: text.slice(at), match: false });
  return pieces;
}

const SPACE = /\s/;

/** The index of the first space at or after i (or the text's end). */
function spaceAfter(text, i) {
  while (i < text.length && !SPACE.test(text[i])) i++;
  return i;
}

/** The index just after the last space before i (or 0). */
function wordStartBefore(text, i) {
  while (i > 0 && !SPACE.test(text[i - 1])) i--;
  return i;
}

/**
 * The passage of about `chars` characters that contains the most distinct query stems (the
 * earliest such passage), starting a little before its first match and cut at spaces:
 * {text, before, after} where before/after tell whether text was cut there (show "…").
 * Without any match: the start of the text. Whitespace runs are folded to one space.
 */
export function bestPassage(rawText, stems, chars = 240) {
  const text = String(rawText).replace(/\s+/g, " ").trim();
  const spans = matchSpans(text, stems);
  const lead = Math.min(60, Math.floor(chars / 4)); // context kept before the first match
  let start = 0;
  if (spans.length) {
    let best = -1;
    let bestIndex = 0;
    for (let i = 0; i < spans.length; i++) {
      const seen = new Set();
      for (let j = i; j < spans.length && spans[j].end - spans[i].start <= chars - lead; j++) {
        for (const t of spans[j].terms) seen.add(t);
      }
      if (seen.size > best) {
        best = seen.size;
        bestIndex = i;
      }
    }
    start = spans[bestIndex].start > lead ? spans[bestIndex].start - lead : 0;
    start = start > 0 ? wordStartBefore(text, start) : 0;
    // Never cut the matched word itself: start at or before it.
    if (start > spans[bestIndex].start) start = wordStartBefore(text, spans[bestIndex].start);
  }
  let end = start + chars >= text.length ? text.length : spaceAfter(text, start + chars);
  if (end - start > chars * 1.5) end = start + chars; // one very long "word"
  return {
    text: text.slice(start, end).trim(),
    before: start > 0,
    after: end < text.length,
  };
}
