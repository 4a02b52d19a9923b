/* Search the archive in the browser, from the index the build writes under search/.
   fold() and stem() mirror site_builder/text.py fold() and site_builder/search.py stem():
   the index and the query must agree word for word (tests run both on the same words). */
"use strict";
const SiteSearch = (() => {
  const INVISIBLE = /[\u200b-\u200f\u061c\u202a-\u202e\u2060\u2066-\u2069\ufeff\u00ad]/g;
  const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
  const MARKS = /[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]/g;
  const LETTERS = { "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ؤ": "ء", "ئ": "ء", "ک": "ك", "ی": "ي" };
  const PREFIXES = ["وال", "بال", "كال", "فال", "لل", "ال"];
  const SUFFIXES = ["ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي"];

  function fold(text) {
    return text.normalize("NFC").replace(INVISIBLE, "").replace(CONTROL, "").replace(MARKS, "")
      .replace(/[أإآٱةىؤئکی]/g, (c) => LETTERS[c])
      .replace(/[\u0660-\u0669]/g, (c) => String(c.charCodeAt(0) - 0x0660))
      .replace(/[\u06f0-\u06f9]/g, (c) => String(c.charCodeAt(0) - 0x06f0))
      .toLowerCase().replace(/[^\p{L}\p{N}\p{M}]+/gu, " ").trim();
  }

  function stem(word) {
    const prefix = PREFIXES.find((p) => word.startsWith(p) && word.length - p.length >= 2);
    if (prefix) word = word.slice(prefix.length);
    else if (word.startsWith("و") && word.length >= 4) word = word.slice(1);
    for (let pass = 0; pass < 2; pass++) {
      const suffix = SUFFIXES.find((s) => word.endsWith(s) && word.length - s.length >= 3);
      if (!suffix) break;
      word = word.slice(0, -suffix.length);
    }
    return word;
  }

  function keys(text) {
    return [...new Set(fold(text).split(" ").filter(Boolean).map(stem).filter((k) => k.length > 1))];
  }

  function fnv1a(term) {
    let h = 0x811c9dc5;
    for (const byte of new TextEncoder().encode(term)) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
    return h >>> 0;
  }

  return { fold, stem, keys, fnv1a };
})();

if (typeof module !== "undefined") module.exports = SiteSearch;

if (typeof document !== "undefined") {
  (() => {
    const form = document.getElementById("search-form");
    if (!form) return;
    const base = form.dataset.index;
    const input = form.elements.q;
    const select = form.elements.cat;
    const status = document.getElementById("search-status");
    const list = document.getElementById("search-results");
    const more = document.getElementById("search-more");
    const cache = new Map();
    const PAGE = 10;
    let current = null;

    const getJSON = (path) => {
      if (!cache.has(path)) {
        cache.set(path, fetch(base + path).then((r) => (r.ok ? r.json() : Promise.reject(new Error(r.status)))));
      }
      return cache.get(path);
    };
    const undelta = (deltas) => { let at = 0; return deltas.map((d) => (at += d)); };
    // A common term's list is a base64 bitmap over all articles (bit n of byte k: id 8k+n).
    const unbitmap = (text) => {
      const bytes = atob(text);
      const ids = [];
      for (let k = 0; k < bytes.length; k += 1) {
        const byte = bytes.charCodeAt(k);
        for (let n = 0; byte >> n; n += 1) if (byte & (1 << n)) ids.push(8 * k + n);
      }
      return ids;
    };
    const idsOf = (part) => (typeof part === "string" ? unbitmap(part) : undelta(part));

    async function postings(term, meta) {
      const shard = await getJSON(`t/${SiteSearch.fnv1a(term) % meta.shards}.json`);
      const entry = shard[term];
      if (!entry) return null;
      const [title, other] = Array.isArray(entry) ? entry.map(undelta) : (await getJSON(`b/${entry.f}.json`)).map(idsOf);
      const inTitle = new Set(title);
      return { title: inTitle, ids: [...title, ...other] }; // disjoint: a title key is not repeated in "other"
    }

    async function run(query, category) {
      const meta = await getJSON("meta.json");
      const terms = SiteSearch.keys(query);
      if (!terms.length) return { terms, ids: [], total: 0 };
      const lists = await Promise.all(terms.map((t) => postings(t, meta)));
      if (lists.some((l) => l === null)) return { terms, ids: [], total: 0 };
      let ids;
      if (lists.length === 1) {
        ids = lists[0].ids;
      } else {
        const sets = lists.map((l) => new Set(l.ids));
        const titleHits = (id) => lists.filter((l) => l.title.has(id)).length;
        ids = [...sets[0]].filter((id) => sets.every((s) => s.has(id)))
          .sort((a, b) => titleHits(b) - titleHits(a) || a - b);
      }
      if (category !== "") {
        const cats = await getJSON("cats.json");
        const wanted = meta.categories.indexOf(category);
        ids = ids.filter((id) => cats[id] === wanted);
      }
      return { terms, ids, total: ids.length, meta };
    }

    function highlight(text, terms) {
      const fragment = document.createDocumentFragment();
      for (const part of text.split(/(\s+)/)) {
        const key = SiteSearch.keys(part)[0];
        if (key && terms.includes(key)) {
          const mark = document.createElement("mark");
          mark.textContent = part;
          fragment.append(mark);
        } else {
          fragment.append(document.createTextNode(part));
        }
      }
      return fragment;
    }

    async function showPage() {
      const { ids, terms, meta } = current;
      const shown = list.children.length;
      const page = ids.slice(shown, shown + PAGE);
      for (const id of page) {
        const shard = await getJSON(`d/${Math.floor(id / meta.docShard)}.json`);
        const [url, title, cat, date, dateText, summary] = shard[id % meta.docShard];
        const item = document.createElement("li");
        item.className = "search-result";
        const heading = document.createElement("h2");
        const link = document.createElement("a");
        link.href = url;
        link.append(highlight(title, terms));
        heading.append(link);
        const info = document.createElement("p");
        info.className = "card-meta";
        const tag = document.createElement("span");
        tag.className = "tag";
        tag.textContent = meta.categories[cat];
        const time = document.createElement("time");
        time.dateTime = date;
        time.textContent = dateText;
        info.append(tag, time);
        const text = document.createElement("p");
        text.className = "card-summary";
        text.append(highlight(summary, terms));
        item.append(heading, info, text);
        list.append(item);
      }
      more.hidden = list.children.length >= current.total;
    }

    async function submit(push) {
      const query = input.value.trim();
      const category = select.value;
      const params = new URLSearchParams();
      if (query) params.set("q", query);
      if (category) params.set("cat", category);
      const url = `${location.pathname}${params.toString() ? "?" + params : ""}`;
      if (push) history.pushState(null, "", url);
      list.replaceChildren();
      more.hidden = true;
      if (!query) { status.textContent = "اكتب كلمة للبحث في الأرشيف."; return; }
      status.textContent = "جارٍ البحث…";
      try {
        current = await run(query, category);
      } catch (error) {
        status.textContent = "تعذّر تحميل فهرس البحث.";
        return;
      }
      if (!current.ids.length) {
        status.textContent = `لا توجد نتائج لـ«${query}». جرّب كلمة أخرى أو أزل تصفية القسم.`;
        return;
      }
      await showPage();
      status.textContent = `${current.total} نتيجة لـ«${query}»`;
    }

    function fromUrl() {
      const params = new URLSearchParams(location.search);
      input.value = params.get("q") || "";
      select.value = params.get("cat") || "";
      if (input.value) submit(false);
    }

    form.addEventListener("submit", (event) => { event.preventDefault(); submit(true); });
    select.addEventListener("change", () => { if (input.value.trim()) submit(true); });
    more.addEventListener("click", () => showPage());
    window.addEventListener("popstate", fromUrl);
    fromUrl();
  })();
}
