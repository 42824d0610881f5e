// Search on the search page, over the index made by docsite/search.py: #search-data, and the pieces
// named in self.searchPieces (by the listing script, deferred, so run before this one), each a
// script that adds itself to self.searchIndex; they are loaded in order, then the search starts.
// Text and query are folded alike: the characters of one OpenCC class become the class's first, ASCII
// letters lower case, full-width forms half-width; and words that other variants write differently
// are tried in this variant's form too. Folding keeps every character's place, so a match found in
// folded text is marked at the same place in the text shown.
(function () {
  var form = document.querySelector(".search-form"), data = document.getElementById("search-data");
  if (!form || !data) return;
  var names = self.searchPieces || [], waiting = names.length;
  names.forEach(function (name) {
    var script = document.createElement("script");
    script.src = name;
    script.async = false;  // run in the order inserted, so the index keeps the pages' order
    script.onload = script.onerror = function () { if (--waiting === 0) start(); };
    document.head.appendChild(script);
  });
  if (!waiting) start();

  function start() {
    var index = JSON.parse(data.textContent), parts = self.searchIndex || [];
    index.pages = [].concat.apply([], parts.map(function (part) { return part.pages; }));
    index.fold = [index.fold].concat(parts.map(function (part) { return part.fold; })).join(" ");
    var input = form.elements.q, kindSelect = form.elements.type;
    var status = document.querySelector(".search-status"), list = document.querySelector(".search-results");
    var more = document.querySelector(".search-more"), all = document.querySelector(".search-index");
    var PAGE_SIZE = 20, WEIGHTS = [10, 3, 1];  // title, summary, text
    var SEPARATORS = /[\s,;!?"()[\]\u2018-\u201f\u3000-\u303f]+/;

    var table = {};
    index.fold.split(" ").forEach(function (group) {
      for (var i = 1; i < group.length; i++) table[group[i]] = group[0];
    });
    function fold(text) {
      var out = "";
      for (var i = 0; i < text.length; i++) {
        var c = text[i], code = text.charCodeAt(i);
        if (table[c]) c = table[c];
        else if (code >= 0xff01 && code <= 0xff5e) c = String.fromCharCode(code - 0xfee0);
        else if (code === 0x3000) c = " ";
        out += c >= "A" && c <= "Z" ? c.toLowerCase() : c;
      }
      return out;
    }

    var words = index.words.map(function (pair) { return [fold(pair[0]), fold(pair[1])]; })
      .filter(function (pair) { return pair[0] !== pair[1]; })
      .sort(function (a, b) { return b[0].length - a[0].length; });
    // A term as this variant writes it: other variants' forms replaced, longest first.
    function rewrite(term) {
      var out = "", i = 0;
      next: while (i < term.length) {
        for (var w = 0; w < words.length; w++) {
          if (term.startsWith(words[w][0], i)) { out += words[w][1]; i += words[w][0].length; continue next; }
        }
        out += term[i++];
      }
      return out;
    }

    var pages = index.pages.map(function (p, order) {
      var folded = [fold(p[1]), fold(p[3]), fold(p[4])];
      return {url: p[0], title: p[1], kind: p[2], summary: p[3], text: p[4], order: order,
              folded: folded, all: folded.join("\n")};
    });

    function count(text, needle) {
      for (var n = 0, at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) n++;
      return n;
    }

    // Pieces of two or more characters, longest first from the left, that together make the term and
    // each occur in the text: a term written otherwise than the page (武汉大桥 for 武汉长江大桥).
    function pieces(term, text) {
      var found = [];
      for (var i = 0, j; i < term.length; i = j) {
        for (j = term.length; j >= i + 2 && text.indexOf(term.slice(i, j)) < 0; j--);
        if (j < i + 2) return null;
        found.push(term.slice(i, j));
      }
      return found.length > 1 ? found : null;
    }

    // How well a page matches one term (its forms): found whole, weighted by where; else in pieces, low.
    function match(page, forms) {
      var best = null;
      forms.forEach(function (form) {
        var score = 0;
        page.folded.forEach(function (field, f) {
          if (field.indexOf(form) < 0) return;
          score += WEIGHTS[f];
          if (f === 0) score += 2 * WEIGHTS[0] * Math.pow(form.length / field.length, 2);  // a title that is the term
          if (f === 2) score += Math.min(count(field, form) - 1, 4) / 4;
        });
        if (score && (!best || score > best.score)) best = {score: score, needles: [form]};
      });
      if (best) return best;
      for (var i = 0; i < forms.length; i++) {
        var found = pieces(forms[i], page.all);
        if (found) return {score: 0.5, needles: found};
      }
      return null;
    }

    function search(query, kind) {
      var terms = fold(query).split(SEPARATORS).filter(Boolean).map(function (term) {
        var own = rewrite(term);
        return own === term ? [term] : [term, own];
      });
      var results = [];
      pages.forEach(function (page) {
        if (kind && (page.kind < 0 || index.kinds[page.kind][0] !== kind)) return;
        var score = 0, needles = [];
        for (var t = 0; t < terms.length; t++) {
          var m = match(page, terms[t]);
          if (!m) return;
          score += m.score;
          needles = needles.concat(m.needles);
        }
        results.push({page: page, score: score, needles: needles});
      });
      return results.sort(function (a, b) {
        return b.score - a.score || a.page.title.length - b.page.title.length || a.page.order - b.page.order;
      });
    }

    // Where the page says it: around the first match in its text, else its summary, marked.
    function excerpt(page, needles) {
      var sources = [[page.text, page.folded[2]], [page.summary, page.folded[1]]], text = "", folded = "", at = -1;
      for (var s = 0; s < sources.length && at < 0; s++) {
        needles.forEach(function (needle) {
          var i = sources[s][1].indexOf(needle);
          if (i >= 0 && (at < 0 || i < at)) { at = i; text = sources[s][0]; folded = sources[s][1]; }
        });
      }
      if (at < 0) { text = page.summary || page.text; folded = fold(text); at = 0; }
      var start = Math.max(0, at - 20), end = Math.min(text.length, start + 100);
      var marks = [];
      needles.forEach(function (needle) {
        for (var i = folded.indexOf(needle, start); i >= 0 && i < end; i = folded.indexOf(needle, i + needle.length)) {
          marks.push([i, Math.min(i + needle.length, end)]);
        }
      });
      marks.sort(function (a, b) { return a[0] - b[0]; });
      var p = document.createElement("p"), pos = start;
      p.className = "excerpt";
      if (start > 0) p.append("…");
      marks.forEach(function (m) {
        if (m[1] <= pos) return;
        p.append(text.slice(pos, Math.max(pos, m[0])));
        var mark = document.createElement("mark");
        mark.textContent = text.slice(Math.max(pos, m[0]), m[1]);
        p.append(mark);
        pos = m[1];
      });
      p.append(text.slice(pos, end) + (end < text.length ? "…" : ""));
      return p;
    }

    function item(result) {
      var li = document.createElement("li"), title = document.createElement("p"), link = document.createElement("a");
      title.className = "result-title";
      // Opened from disk, a link to a folder would show a file listing: name its index.html.
      link.href = result.page.url + (location.protocol === "file:" ? "index.html" : "");
      link.textContent = result.page.title;
      title.append(link);
      if (result.page.kind >= 0) {
        var kind = document.createElement("span");
        kind.className = "kind";
        kind.textContent = index.kinds[result.page.kind][1];
        title.append(" ", kind);
      }
      li.append(title);
      if (result.page.summary || result.page.text) li.append(excerpt(result.page, result.needles));
      return li;
    }

    var results = [], shown = 0;
    function showMore() {
      var first = null;
      results.slice(shown, shown + PAGE_SIZE).forEach(function (result) {
        var li = item(result);
        first = first || li;
        list.append(li);
      });
      shown = Math.min(results.length, shown + PAGE_SIZE);
      more.hidden = shown >= results.length;
      return first;
    }

    function message(template, values) {
      return template.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
    }

    function run() {
      var query = input.value.trim(), kind = kindSelect.value;
      var params = new URLSearchParams();
      if (query) params.set("q", query);
      if (kind) params.set("type", kind);
      try { history.replaceState(null, "", "?" + params + location.hash); } catch (e) {}  // not from disk, in some browsers
      results = query ? search(query, kind) : [];
      shown = 0;
      list.textContent = "";
      list.hidden = !results.length;
      more.hidden = true;
      all.hidden = Boolean(results.length);
      if (!query) { status.textContent = ""; return; }
      if (results.length) {
        status.textContent = message(form.dataset.found, {n: results.length});
        showMore();
        return;
      }
      var everywhere = kind ? search(query, "").length : 0;
      status.textContent = everywhere
        ? message(form.dataset.noneKind, {q: query, kind: kindSelect.selectedOptions[0].text, n: everywhere})
        : message(form.dataset.none, {q: query});
    }

    form.hidden = false;
    var params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";
    if (Array.prototype.some.call(kindSelect.options, function (o) { return o.value === params.get("type"); })) {
      kindSelect.value = params.get("type");
    }
    input.addEventListener("input", run);
    kindSelect.addEventListener("change", run);
    // Enter takes the reader to the results: the first result's link has the focus.
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      run();
      var first = list.querySelector("a");
      if (first) first.focus();
    });
    more.querySelector("button").addEventListener("click", function () {
      var first = showMore();
      if (first) first.querySelector("a").focus();
    });
    run();
    input.focus();
    input.setSelectionRange(input.value.length, input.value.length);
  }
})();
