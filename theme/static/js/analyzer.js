// Arabic search analyzer: the JavaScript twin of newsarchive/analyzer.py (same terms, same rules).
// Tests compare both against tests/data/analyzer_golden.tsv and against each other.
//
// Offsets from analyzeSpans() are JS string indices (UTF-16 code units). Python reports code
// points; the two agree whenever the text before a token has no character outside the BMP
// (Arabic, Latin and their presentation forms are all in the BMP). Each emoji or other astral
// character earlier in the text adds 1 to the JS offsets.

// From newsarchive/arabic.py: harakat, Quranic marks, superscript alef; tatweel; invisibles.
const DIACRITICS_RE =
  /[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed]/g;
const TATWEEL_RE = /\u0640/g;
const INVISIBLE_RE = /[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
const LETTERS = new Map([
  ["أ", "ا"],
  ["إ", "ا"],
  ["آ", "ا"],
  ["ٱ", "ا"],
  ["ى", "ي"],
  ["ة", "ه"],
  // search_normalize: hamza on waw and on ya as the bare hamza (مسؤول / مسئول).
  ["ؤ", "ء"],
  ["ئ", "ء"],
]);
for (let d = 0; d < 10; d++) {
  LETTERS.set(String.fromCharCode(0x0660 + d), String(d)); // Arabic-Indic digits
  LETTERS.set(String.fromCharCode(0x06f0 + d), String(d)); // Extended (Persian) digits
}
const LETTERS_RE = /[أإآٱىةؤئ\u0660-\u0669\u06f0-\u06f9]/g;

// Letters, digits and the same combining marks as analyzer.py's _MARKS.
const MARKS =
  "\\u0300-\\u036f\\u0483-\\u0489\\u0610-\\u061a\\u064b-\\u065f\\u0670\\u06d6-\\u06dc" +
  "\\u06df-\\u06e4\\u06e7\\u06e8\\u06ea-\\u06ed\\u0898-\\u089f\\u08ca-\\u08e1\\u08e3-\\u08ff" +
  "\\u1ab0-\\u1aff\\u1dc0-\\u1dff\\u200c\\u200d\\u20d0-\\u20ff\\ufe00-\\ufe0f\\ufe20-\\ufe2f";
// matchAll() and match() with a /g regex never depend on lastIndex, so one instance is shared.
const TOKEN_RE = new RegExp(`[\\p{L}\\p{N}${MARKS}]+`, "gu");
const DIGIT_SPLIT_RE = /[0-9]+|[^0-9]+/g;

const ARTICLE_PREFIXES = [
  "وبال",
  "وكال",
  "فبال",
  "فكال",
  "ولل",
  "فلل",
  "وال",
  "فال",
  "بال",
  "كال",
  "لل",
  "ال",
];
const MIN_STEM_AFTER_ARTICLE = 2;
const BARE_CLITICS = ["وب", "ول", "و", "ب", "ل"];
const MIN_STEM_AFTER_CLITIC = 3;
// Plural and dual endings need 4 letters left (see analyzer.py for why).
const SUFFIXES = [
  ["ها", 2],
  ["ان", 4],
  ["ات", 2],
  ["ون", 4],
  ["ين", 4],
  ["ه", 2],
];
const KEEP_WHOLE = new Set([
  "ابها",
  "بحرين",
  "رياضه",
  "فلسطين",
  "امارات",
  "عرفات",
  "فرات",
  "سليمان",
  "طالبان",
  "برلمان",
  "اردوغان",
  "باكستان",
  "افغانستان",
  "كردستان",
  "جده",
  "مساءله",
]);
// مائة (hundred), its duals and compounds, spelled as مئة (whole words, after the hamza fold).
const HUNDRED_SPELLINGS = new Map([
  ...["ه", "تا", "تي", "تين", "تان"].map((ending) => ["ماء" + ending, "مء" + ending]),
  ...["ثلاث", "اربع", "خمس", "ست", "سبع", "ثمان", "تسع"].map((unit) => [
    unit + "ماءه",
    unit + "مءه",
  ]),
]);
const ALLAH = "الله";
const ALLAH_FORMS = new Set([
  "الله",
  "والله",
  "فالله",
  "بالله",
  "وبالله",
  "تالله",
  "لله",
  "ولله",
  "فلله",
]);

const CACHE_LIMIT = 100000;
const stemCache = new Map();
const formsCache = new Map();

function remember(cache, key, value) {
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, value);
  return value;
}

/** Length in code points, as Python's len() counts it. */
function codePointLength(text) {
  let length = text.length;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        length--;
        i++;
      }
    }
  }
  return length;
}

/** Fold, unify and lowercase like newsarchive.arabic.search_normalize. */
export function normalize(text) {
  return text
    .normalize("NFKC")
    .replace(INVISIBLE_RE, "")
    .replace(DIACRITICS_RE, "")
    .replace(TATWEEL_RE, "")
    .replace(LETTERS_RE, (ch) => LETTERS.get(ch))
    .toLowerCase();
}

/** Light-stem one normalised word: strip an article group, then suffixes. */
export function stem(word) {
  const cached = stemCache.get(word);
  if (cached !== undefined) return cached;
  return remember(stemCache, word, stemUncached(word));
}

function stemUncached(word) {
  if (ALLAH_FORMS.has(word)) return ALLAH;
  if (word.endsWith(ALLAH)) return word;
  let length = codePointLength(word);
  for (const prefix of ARTICLE_PREFIXES) {
    if (word.startsWith(prefix) && length - prefix.length >= MIN_STEM_AFTER_ARTICLE) {
      word = word.slice(prefix.length);
      length -= prefix.length;
      break;
    }
  }
  const spelled = HUNDRED_SPELLINGS.get(word);
  if (spelled !== undefined) {
    word = spelled;
    length = codePointLength(word);
  }
  if (KEEP_WHOLE.has(word)) return word;
  for (const [suffix, minLeft] of SUFFIXES) {
    if (word.endsWith(suffix) && length - suffix.length >= minLeft) {
      word = word.slice(0, -suffix.length);
      length -= suffix.length;
    }
  }
  return word;
}

/** Extra index terms for a normalised word: its stem without each bare clitic it may carry. */
export function stemAlternatives(word) {
  const canonical = stem(word);
  const length = codePointLength(word);
  const found = [];
  for (const clitic of BARE_CLITICS) {
    if (word.startsWith(clitic) && length - clitic.length >= MIN_STEM_AFTER_CLITIC) {
      const alternative = stem(word.slice(clitic.length));
      if (alternative !== canonical && !found.includes(alternative)) found.push(alternative);
    }
  }
  return found;
}

/** Normalised, unstemmed words of one token (usually one; ligatures and digits may split). */
export function exactForms(token) {
  const cached = formsCache.get(token);
  if (cached !== undefined) return cached;
  const forms = [];
  for (const word of normalize(token).match(TOKEN_RE) ?? []) {
    for (const piece of word.match(DIGIT_SPLIT_RE)) forms.push(piece);
  }
  return remember(formsCache, token, Object.freeze(forms));
}

/** Each exact form with the start and end (UTF-16 indices) of its token in the text. */
export function exactSpans(text) {
  const spans = [];
  for (const match of String(text).matchAll(TOKEN_RE)) {
    const start = match.index;
    const end = start + match[0].length;
    for (const form of exactForms(match[0])) spans.push({ form, start, end });
  }
  return spans;
}

/** Terms of the text, in order, each with its token's start and end (UTF-16 indices). */
export function analyzeSpans(text) {
  return exactSpans(text).map(({ form, start, end }) => ({ term: stem(form), start, end }));
}

/** Terms of the text, in order (what a query is turned into). */
export function analyze(text) {
  return exactSpans(text).map(({ form }) => stem(form));
}

/** Per word, the terms an index holds at its position: the term, then bare-clitic variants. */
export function indexTerms(text) {
  return exactSpans(text).map(({ form }) => [stem(form), ...stemAlternatives(form)]);
}

/** The term of a single word, or null when it yields no term or several. */
export function analyzeWord(word) {
  const spans = exactSpans(word);
  return spans.length === 1 ? stem(spans[0].form) : null;
}

/** The normalised, unstemmed form of a single word, or null when it yields none or several. */
export function exactForm(word) {
  const spans = exactSpans(word);
  return spans.length === 1 ? spans[0].form : null;
}

/** Normalised, unstemmed forms of the text's words, in order (for an exact-match field). */
export function exact(text) {
  return exactSpans(text).map(({ form }) => form);
}
