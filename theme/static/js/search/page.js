// The search page: results as you type, name completion (ARIA combobox), filters, URL state.
// All text from the archive goes into the page through textContent, never innerHTML.

import { FormatError, SearchEngine } from "./engine.js";
import { highlightPieces } from "./highlight.js";
import { parseQuery } from "./query.js";

const PAGE_SIZE = 10;
const DEBOUNCE_MS = 200;
const TYPE_LABELS = { PER: "شخص", LOC: "مكان", ORG: "مؤسسة" };
const FILTERS = ["type", "source", "from", "to", "entity"];

const app = document.getElementById("search-app");
const $ = (id) => document.getElementById(id);
const input = $("search-q");
const listbox = $("search-names");
const form = $("search-form");
const status = $("search-status");
const resultsList = $("search-results");
const more = $("search-more");
const suggestionBox = $("search-suggestion");
const suggestionLink = $("search-suggestion-link");
const entityCard = $("search-entity-card");
const facetsBox = $("search-facets");
const facetsBody = $("search-facets-body");
const controls = {
  type: $("search-type"),
  source: $("search-source"),
  from: $("search-from"),
  to: $("search-to"),
  entity: $("search-entity"),
};
const siteUrl = app.dataset.siteurl;
const searchRoot = new URL(app.dataset.search, location.href);
// The manifest is revalidated on every visit; other files carry its build stamp, so a rebuilt
// site never mixes old and new shards from the browser cache.
const engine = new SearchEngine(async (path) => {
  const url = new URL(path, searchRoot);
  if (path !== "manifest.json") url.searchParams.set("v", (await engine.manifest()).stamp);
  const response = await fetch(url, path === "manifest.json" ? { cache: "no-cache" } : {});
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return response.json();
});

let shown = 0;
let generation = 0;
let timer = null;
let options = [];
let active = -1;
let chosenEntity = null;

/** A link to a page of the site from a URL relative to the site root. */
function siteLink(url) {
  return `${siteUrl}/${url}`;
}

function plural(count) {
  if (count === 1) return "نتيجة واحدة";
  if (count === 2) return "نتيجتان";
  if (count >= 3 && count <= 10) return `${count} نتائج`;
  return `${count} نتيجة`;
}

function articlesLabel(count) {
  if (count === 1) return "مقال واحد";
  if (count === 2) return "مقالان";
  if (count >= 3 && count <= 10) return `${count} مقالات`;
  return `${count} مقالًا`;
}

function filters() {
  const values = {};
  for (const name of FILTERS) if (controls[name].value) values[name] = controls[name].value;
  return values;
}

/** Put the query and filters in the address bar so a search can be shared and reloaded. */
function syncUrl() {
  const params = new URLSearchParams();
  if (input.value.trim()) params.set("q", input.value.trim());
  for (const [name, value] of Object.entries(filters())) params.set(name, value);
  if (chosenEntity && controls.entity.value) params.set("name", chosenEntity.name);
  const query = params.toString();
  history.replaceState(null, "", query ? `?${query}` : location.pathname);
}

function appendHighlighted(parent, text, stems) {
  for (const piece of highlightPieces(text, stems)) {
    if (piece.match) {
      const mark = document.createElement("mark");
      mark.textContent = piece.text;
      parent.append(mark);
    } else parent.append(document.createTextNode(piece.text));
  }
}

function renderCard(card, stems, passage) {
  const item = document.createElement("li");
  item.className = "entry search-result";
  const heading = document.createElement("h2");
  heading.className = "entry-title";
  const link = document.createElement("a");
  link.href = siteLink(card.url);
  appendHighlighted(link, card.title, stems);
  heading.append(link);
  const meta = document.createElement("p");
  meta.className = "entry-meta";
  if (card.day) {
    const time = document.createElement("time");
    time.dateTime = card.day;
    time.textContent = card.date;
    meta.append(time);
  }
  if (card.source) {
    if (card.day) meta.append(document.createTextNode(" · "));
    const source = document.createElement("span");
    source.className = "search-source";
    source.textContent = card.source;
    meta.append(source);
  }
  const snippet = document.createElement("p");
  snippet.className = "entry-summary search-snippet";
  const shown = passage ?? { text: card.snippet, before: false, after: false };
  if (shown.before) snippet.append(document.createTextNode("… "));
  appendHighlighted(snippet, shown.text, stems);
  if (shown.after) snippet.append(document.createTextNode(" …"));
  item.append(heading, meta, snippet);
  return item;
}

/** Run the current search; `append` loads the next page under the shown results. */
async function runSearch({ append = false } = {}) {
  const mine = ++generation;
  const text = input.value;
  const offset = append ? shown : 0;
  const found = await engine.search(text, { offset, limit: PAGE_SIZE, filters: filters() });
  if (mine !== generation) return; // a newer search has started
  const stems = [...parseQuery(text).units.map((u) => u.stem), ...(found.terms ?? [])];
  // The snippet of each card is the passage around its matched words (one small file each).
  const passages = await engine.passages(found.results, stems);
  if (mine !== generation) return;
  if (!append) {
    resultsList.replaceChildren();
    shown = 0;
  }
  resultsList.append(...found.results.map((card, i) => renderCard(card, stems, passages[i])));
  shown += found.results.length;
  more.hidden = shown >= found.total;
  suggestionBox.hidden = !found.suggestion;
  if (found.suggestion) {
    suggestionLink.textContent = found.suggestion;
    const params = new URLSearchParams({ q: found.suggestion });
    suggestionLink.href = `?${params}`;
  }
  const hasQuery = stems.length > 0 || Object.keys(filters()).some((k) => k !== "type");
  facetsBox.hidden = !hasQuery || found.total === 0;
  if (!append) updateFacets().catch(showError);
  if (!hasQuery) status.textContent = "";
  else if (found.total === 0) status.textContent = `لا نتائج مطابقة لـ«${text.trim()}».`;
  else status.textContent = `${plural(found.total)}، تُعرض ${shown}.`;
  if (append && found.results.length) {
    const firstNew = resultsList.children[offset]?.querySelector("a");
    firstNew?.focus();
  }
}

// --- Facets: sources, entity types and entities among the results, loaded when opened ----------

let facetsGeneration = 0;

function facetButton(label, count, pressed, onClick) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "search-facet";
  button.setAttribute("aria-pressed", String(pressed));
  button.append(document.createTextNode(label));
  const number = document.createElement("span");
  number.className = "count";
  number.textContent = ` (${count})`;
  button.append(number);
  button.addEventListener("click", onClick);
  return button;
}

function facetGroup(title, buttons) {
  const group = document.createElement("div");
  group.className = "search-facet-group";
  group.setAttribute("role", "group");
  const heading = document.createElement("h2");
  heading.className = "search-facet-title";
  heading.textContent = title;
  const list = document.createElement("ul");
  for (const button of buttons) {
    const item = document.createElement("li");
    item.append(button);
    list.append(item);
  }
  group.setAttribute("aria-label", title);
  group.append(heading, list);
  return group;
}

/** A facet button that sets a filter control to its value, or clears it when already set. */
function toggleButton(label, count, control, value) {
  const chosen = control.value === value;
  return facetButton(label, count, chosen, () => {
    control.value = chosen ? "" : value;
    refilter();
  });
}

function refilter() {
  syncUrl();
  runSearch().catch(showError);
}

/** Compute and show the facets of the current results (only while the panel is open). */
async function updateFacets() {
  if (facetsBox.hidden || !facetsBox.open) return;
  const mine = ++facetsGeneration;
  facetsBody.replaceChildren(document.createTextNode("…"));
  const type = controls.type.value;
  const found = await engine.facets(input.value, { filters: filters(), type });
  if (mine !== facetsGeneration) return;
  const groups = [];
  if (found.sources.length) {
    const buttons = found.sources.map((s) =>
      toggleButton(s.name, s.count, controls.source, s.name),
    );
    groups.push(facetGroup("المصادر", buttons));
  }
  if (found.types.length) {
    const buttons = found.types.map((t) =>
      toggleButton(TYPE_LABELS[t.type] ?? t.type, t.count, controls.type, t.type),
    );
    groups.push(facetGroup("أنواع الأعلام", buttons));
  }
  if (found.entities.length) {
    groups.push(
      facetGroup(
        "أبرز الأعلام",
        found.entities.map((e) =>
          facetButton(e.name, e.count, e.id === controls.entity.value, () => {
            controls.entity.value = e.id;
            showEntity(e);
            refilter();
          }),
        ),
      ),
    );
  }
  const note = document.createElement("p");
  note.className = "search-hint";
  note.textContent =
    found.considered < found.total
      ? `الأعلام من أول ${found.considered} نتيجة؛ المصادر من كل النتائج.`
      : "من كل النتائج.";
  facetsBody.replaceChildren(...groups, note);
}

facetsBox.addEventListener("toggle", () => updateFacets().catch(showError));

function schedule() {
  clearTimeout(timer);
  timer = setTimeout(() => {
    syncUrl();
    runSearch().catch(showError);
  }, DEBOUNCE_MS);
}

function showError(error) {
  // Another version's search files: this page's scripts are an older copy (a browser cache).
  status.textContent =
    error instanceof FormatError
      ? "تغيّرت ملفات البحث منذ حُمّلت هذه الصفحة، أعد تحميلها."
      : "تعذّر البحث الآن، أعد المحاولة.";
  console.error(error);
}

// --- Name completion: an ARIA 1.2 combobox with a listbox popup ---------------------------------

function closeNames() {
  listbox.hidden = true;
  listbox.replaceChildren();
  input.setAttribute("aria-expanded", "false");
  input.removeAttribute("aria-activedescendant");
  options = [];
  active = -1;
}

function setActive(index) {
  active = index;
  [...listbox.children].forEach((li, i) => li.setAttribute("aria-selected", String(i === index)));
  if (index >= 0) input.setAttribute("aria-activedescendant", listbox.children[index].id);
  else input.removeAttribute("aria-activedescendant");
}

async function updateNames() {
  const mine = generation;
  const found = await engine.suggestNames(input.value, { type: controls.type.value });
  if (mine !== generation && found.length === 0) return;
  options = found;
  listbox.replaceChildren(
    ...found.map((entity, i) => {
      const li = document.createElement("li");
      li.id = `search-name-${i}`;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.append(document.createTextNode(entity.name));
      const meta = document.createElement("span");
      meta.className = "count";
      meta.textContent = `${TYPE_LABELS[entity.type] ?? entity.type} · ${articlesLabel(entity.count)}`;
      li.append(meta);
      li.addEventListener("mousedown", (event) => {
        event.preventDefault(); // keep focus in the input
        chooseEntity(entity);
      });
      return li;
    }),
  );
  const open = found.length > 0;
  listbox.hidden = !open;
  input.setAttribute("aria-expanded", String(open));
  active = -1;
}

function showEntity(entity) {
  chosenEntity = entity;
  entityCard.hidden = !entity;
  if (!entity) return;
  const link = $("search-entity-link");
  link.textContent = entity.name;
  link.href = siteLink(entity.url);
  const kind = TYPE_LABELS[entity.type];
  $("search-entity-meta").textContent = kind ? `(${kind} · ${articlesLabel(entity.count)})` : "";
}

function chooseEntity(entity) {
  controls.entity.value = entity.id;
  showEntity(entity);
  input.value = "";
  closeNames();
  syncUrl();
  runSearch().catch(showError);
  input.focus();
}

input.addEventListener("input", () => {
  schedule();
  updateNames().catch(() => closeNames());
});

input.addEventListener("keydown", (event) => {
  const open = !listbox.hidden && options.length > 0;
  if (event.key === "ArrowDown" && open) {
    event.preventDefault();
    setActive((active + 1) % options.length);
  } else if (event.key === "ArrowUp" && open) {
    event.preventDefault();
    setActive(active <= 0 ? options.length - 1 : active - 1);
  } else if (event.key === "Enter" && open && active >= 0) {
    event.preventDefault();
    chooseEntity(options[active]);
  } else if (event.key === "Escape" && open) {
    event.preventDefault();
    closeNames();
  }
});

input.addEventListener("blur", () => setTimeout(closeNames, 100));

form.addEventListener("submit", (event) => {
  event.preventDefault();
  clearTimeout(timer);
  closeNames();
  syncUrl();
  runSearch().catch(showError);
});

for (const name of ["type", "source", "from", "to"]) {
  controls[name].addEventListener("change", () => {
    syncUrl();
    runSearch().catch(showError);
  });
}

$("search-entity-clear").addEventListener("click", () => {
  controls.entity.value = "";
  showEntity(null);
  syncUrl();
  runSearch().catch(showError);
  input.focus();
});

more.addEventListener("click", () => runSearch({ append: true }).catch(showError));

// Start from the address bar: ?q=…&source=…&entity=…
const params = new URLSearchParams(location.search);
input.value = params.get("q") ?? "";
for (const name of FILTERS) if (params.get(name)) controls[name].value = params.get(name);
async function restoreEntity(id, name) {
  showEntity({ id, name, type: "", url: "", count: 0 });
  const found = await engine.suggestNames(name, { limit: 50 });
  const entity = found.find((e) => e.id === id);
  if (entity && controls.entity.value === id) showEntity(entity);
}

if (controls.entity.value) {
  restoreEntity(controls.entity.value, params.get("name") ?? "").catch(() => {});
}
if (input.value || Object.keys(filters()).length) runSearch().catch(showError);
