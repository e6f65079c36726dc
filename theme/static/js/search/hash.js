// The shard function shared with newsarchive/search/hashing.py: 32-bit FNV-1a of UTF-8 bytes.

const encoder = new TextEncoder();

/** 32-bit FNV-1a of the text's UTF-8 bytes, as an unsigned integer. */
export function fnv1a(text) {
  let value = 0x811c9dc5;
  for (const byte of encoder.encode(text)) {
    value = Math.imul(value ^ byte, 0x01000193) >>> 0;
  }
  return value >>> 0;
}

/** The shard (0..shards-1) a key belongs to. */
export function shardOf(key, shards) {
  return fnv1a(key) % shards;
}

/** Undo delta encoding: [3, 2, 5] → [3, 5, 10]. */
export function ungap(gaps) {
  const out = new Array(gaps.length);
  let last = 0;
  for (let i = 0; i < gaps.length; i++) {
    last += gaps[i];
    out[i] = last;
  }
  return out;
}

/** Shard key of a normalised word for names and spelling: two letters after any article. */
export function nameKey(form) {
  const word = form.startsWith("ال") && [...form].length >= 4 ? form.slice(2) : form;
  return [...word].slice(0, 2).join("");
}
