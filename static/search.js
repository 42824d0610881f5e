// Search, over the index docsite/stages/search.py makes: in the header's box as the reader types (the
// best results under it), on the search page (every result, by type), and on a page a result opened
// (the words it matched, marked). site.js loads this script when the reader first uses a box.
// The index is in pieces, each a script named by a hash of its content: the listing (pieces.js)
// names them; a query loads the folding table, the pieces of its keys and the records of the results
// it shows (whose text tells where the keys of a phrase stand, which the pieces do not). Text is folded and cut into tokens as docsite/text/searchtext.py does; the ranking rules
// are written in docs/editing.md ("How search finds and ranks").
(function () {
  if (self.searchStarted) return;
  self.searchStarted = true;
  var NUMERALS = "零一二三四五六七八九〇十百千万", CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff";
  var TOKEN = new RegExp("([" + NUMERALS + "]+)|([" + CJK + "])|([a-z\u00df-\u024f\u0370-\u03ff\u0400-\u04ff]+)|([0-9]+)", "g");
  var SCORES = {exact: 100, start: 60, name: 40, summary: 12, text: 6};
  var HEADER_RESULTS = 8, PAGE_SIZE = 20;

  // -- loading pieces: each script calls searchPiece with itself and its data --------------------
  self.searchPiece = function (script, data) { script.searchData = data; };
  var loading = {};
  function load(url) {
    if (!loading[url]) {
      loading[url] = new Promise(function (resolve) {
        var script = document.createElement("script");
        script.src = url;
        script.onload = function () { resolve(script.searchData || self.searchPieces || null); };
        script.onerror = function () { resolve(null); };
        document.head.appendChild(script);
      });
    }
    return loading[url];
  }

  // -- folding and tokens (docsite/text/searchtext.py) --------------------------------------------
  function Index(root, listing, fold) {
    this.root = root;  // the search page's folder: records' addresses are from it
    this.base = root + "index/";  // docsite/stages/search.py's FOLDER
    this.listing = listing;
    var table = this.table = {};
    fold.classes.split(" ").forEach(function (group) {
      for (var i = 1; i < group.length; i++) table[group[i]] = group[0];
    });
    for (var i = 0; i < fold.letters.length; i += 2) table[fold.letters[i]] = fold.letters[i + 1];
    this.words = listing.words.filter(function (pair) { return pair[0] !== pair[1]; })
      .sort(function (a, b) { return b[0].length - a[0].length; });
    this.groupStart = [0];
    for (var g = 0; g < listing.n.length; g++) this.groupStart.push(this.groupStart[g] + listing.n[g]);
  }
  Index.prototype.fold = function (text) {
    var out = "";
    for (var i = 0; i < text.length; i++) out += this.table[text[i]] || text[i];
    return out;
  };
  function number(run) {
    if (!/[十百千万]/.test(run)) return run.replace(/./g, function (c) { return String(NUMERALS.indexOf(c) % 10); });
    var total = 0, section = 0, digit = 0;
    for (var i = 0; i < run.length; i++) {
      var c = run[i], at = NUMERALS.indexOf(c);
      if (at < 11) digit = at % 10;
      else if (c !== "万") { section += (digit || 1) * {"十": 10, "百": 100, "千": 1000}[c]; digit = 0; }
      else { total += (section + digit || 1) * 10000; section = digit = 0; }
    }
    return String(total + section + digit);
  }
  // Tokens of folded text, each with where it stands in the text.
  function tokens(folded) {
    var out = [], m;
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(folded))) {
      out.push({t: m[1] ? number(m[1]) : m[0], start: m.index, end: m.index + m[0].length});
    }
    return out;
  }
  function isCjk(token) {
    return token.length === 1 && token >= "\u3400" && token <= "\ufaff" && NUMERALS.indexOf(token) < 0;
  }
  function bigram(a, b) { return isCjk(a) && isCjk(b) ? a + b : a + " " + b; }
  function isWord(key) { return key.indexOf(" ") < 0 && !Array.prototype.some.call(key, isCjk); }
  function bucket(key, count) {
    var h = 0x811c9dc5, of = isWord(key) ? key.slice(0, 2) : key;
    for (var i = 0; i < of.length; i++) h = Math.imul(h ^ of.charCodeAt(i), 0x01000193) >>> 0;
    return h % count;
  }
  // A term as this variant writes it: other variants' forms replaced, longest first.
  Index.prototype.rewrite = function (text) {
    var out = "", i = 0, words = this.words;
    next: while (i < text.length) {
      for (var w = 0; w < words.length; w++) {
        if (text.startsWith(words[w][0], i)) { out += words[w][1]; i += words[w][0].length; continue next; }
      }
      out += text[i++];
    }
    return out;
  };

  // -- the index's pieces -------------------------------------------------------------------------
  Index.prototype.piece = function (kind, key) {
    var names = this.listing.t, count = names.length / 7, at = bucket(key, count) * 7;
    return load(this.base + kind + names.slice(at, at + 7) + ".js");
  };
  // Where a key occurs: {names: {page: [[line, place, length]]}, summary: {page: [places]}, text: {page: count}}.
  Index.prototype.postings = function (key) {
    return this.piece("t", key).then(function (piece) {
      var found = piece && piece[key], out = {names: {}, summary: {}, text: {}, order: []};
      if (!found) return out;
      var a = found[0], page = -1, i, n, k;
      for (i = 0; i < a.length; i += 2 + 3 * n) {
        page += a[i]; n = a[i + 1];
        out.names[page] = [];
        for (k = 0; k < n; k++) out.names[page].push(a.slice(i + 2 + 3 * k, i + 5 + 3 * k));
      }
      a = found[1]; page = -1;
      for (i = 0; i < a.length; i += 2 + n) {
        page += a[i]; n = a[i + 1];
        var at = 0;
        out.summary[page] = a.slice(i + 2, i + 2 + n).map(function (d) { return (at += d); });
      }
      a = found[2]; page = -1;
      for (i = 0; i < a.length; i += 2) { page += a[i]; out.text[page] = a[i + 1]; out.order.push(page); }
      return out;
    });
  };
  // Every word in the index that begins with ``start`` (its piece holds them all).
  Index.prototype.wordsFrom = function (start) {
    return this.piece("t", start).then(function (piece) {
      return Object.keys(piece || {}).filter(function (key) { return isWord(key) && key.startsWith(start); });
    });
  };
  // What a result shows of page ``n``: [url, title, kind, summary, text, names].
  Index.prototype.record = function (n) {
    var g = 0;
    while (this.groupStart[g + 1] <= n) g++;
    var name = this.listing.g.slice(7 * g, 7 * g + 7);
    return load(this.base + "d" + name + "-" + (n - this.groupStart[g]) + ".js");
  };

  // -- matching -----------------------------------------------------------------------------------
  // A phrase: tokens side by side. Its keys, each with its offset in the phrase; the last word may be
  // the beginning of a longer one while the reader types (``open``).
  function phraseKeys(toks, open) {
    var keys = [];
    toks.forEach(function (t, i) {
      var cjk = isCjk(t);
      if (!cjk || toks.length === 1) keys.push({key: t, at: i, open: open && i === toks.length - 1 && !cjk});
      if (i + 1 < toks.length && (cjk || isCjk(toks[i + 1]))) keys.push({key: bigram(t, toks[i + 1]), at: i});
    });
    return keys;
  }

  // The postings of a phrase's keys (an open word's: of every word it begins), joined.
  Index.prototype.keyPostings = function (k) {
    var index = this;
    if (!k.open) return index.postings(k.key).then(function (p) { return [p]; });
    return index.wordsFrom(k.key).then(function (words) {
      if (words.indexOf(k.key) < 0) words.push(k.key);
      return Promise.all(words.map(function (word) {
        return index.postings(word).then(function (p) { p.part = k.key.length / word.length; return p; });
      }));
    });
  };

  // Where a phrase stands in each field of each page: {page: {names: [[line, place, length]], summary: n, text: [places] or n}}.
  Index.prototype.phrase = function (toks, open) {
    var index = this, keys = phraseKeys(toks, open);
    if (!keys.length) return Promise.resolve({});
    return Promise.all(keys.map(function (k) { return index.keyPostings(k); })).then(function (lists) {
      var found = {};
      // Names and summaries: the places of the first key where every other key stands at its offset.
      ["names", "summary"].forEach(function (field) {
        var sets = lists.map(function (list) {
          var set = {};
          list.forEach(function (p) {
            Object.keys(p[field]).forEach(function (page) {
              p[field][page].forEach(function (o) {
                set[page + ":" + (field === "names" ? o[0] + ":" + o[1] : o)] = field === "names" ? o.concat([p.part || 1]) : o;
              });
            });
          });
          return set;
        });
        Object.keys(sets[0]).forEach(function (id) {
          var parts = id.split(":"), page = parts[0], place = Number(parts[parts.length - 1]) - keys[0].at, o = sets[0][id];
          for (var s = 1; s < sets.length; s++) {
            var at = place + keys[s].at, other = field === "names" ? page + ":" + parts[1] + ":" + at : page + ":" + at;
            if (!sets[s][other]) return;
            o = field === "names" ? sets[0][id].slice(0, 3).concat([sets[s][other][3]]) : o;
          }
          var entry = found[page] = found[page] || {};
          // How many of the name's tokens the phrase makes: a word only begun counts as the part typed.
          if (field === "names") (entry.names = entry.names || []).push([o[0], place, o[2], toks.length - 1 + o[3]]);
          else entry.summary = (entry.summary || 0) + 1;
        });
      });
      // Texts: pages with every key, as often as the rarest; for more than one key, whether they
      // stand side by side is read in the page's record (``checked``), for the results shown.
      var counts = lists.map(function (list) {
        var c = {};
        list.forEach(function (p) { p.order.forEach(function (page) { c[page] = (c[page] || 0) + p.text[page]; }); });
        return c;
      });
      Object.keys(counts[0]).forEach(function (page) {
        var least = Math.min.apply(null, counts.map(function (c) { return c[page] || 0; }));
        if (!least) return;
        var entry = found[page] = found[page] || {};
        entry.text = least;
        entry.unsure = keys.length > 1;
      });
      return found;
    });
  };

  // How well a page matches a phrase: its names first (the whole name, its beginning, a part), then
  // its summary, then its text (more often, a little more).
  function score(where) {
    var best = 0;
    (where.names || []).forEach(function (n) {
      var cover = n[3] / n[2];
      best = Math.max(best, n[1] === 0 && n[3] === n[2] ? SCORES.exact : (n[1] === 0 ? SCORES.start : SCORES.name) + 20 * cover);
    });
    var count = where.text || 0;
    return best + (where.summary ? SCORES.summary : 0) + (count ? SCORES.text + Math.min(count, 8) / 2 : 0);
  }

  // The readings of a query: as typed, as this variant writes it, its parts apart (AND, nearer
  // better), and Latin letters without spaces (zhou enlai: zhouenlai).
  Index.prototype.readings = function (query) {
    var folded = this.fold(query.toLowerCase()), open = !/\s$/.test(query), out = [], seen = {};
    [folded, this.rewrite(folded)].forEach(function (text) {
      var parts = text.split(/\s+/).filter(function (part) { return tokens(part).length; });
      var add = function (phrases) {
        var id = JSON.stringify(phrases);
        if (phrases.length && !seen[id]) { seen[id] = true; out.push(phrases); }
      };
      add([tokens(text).map(function (t) { return t.t; })]);
      if (parts.length > 1) add(parts.map(function (part) { return tokens(part).map(function (t) { return t.t; }); }));
      if (parts.length > 1 && /^[a-z\s]+$/.test(text.trim())) add([[parts.join("")]]);
    });
    return out.map(function (phrases) { return {phrases: phrases, open: open}; });
  };

  // The pages that match a reading, each with its score and the matched places.
  Index.prototype.match = function (reading) {
    var index = this;
    return Promise.all(reading.phrases.map(function (toks, i) {
      return index.phrase(toks, reading.open && i === reading.phrases.length - 1);
    })).then(function (found) {
      var results = {};
      Object.keys(found[0]).forEach(function (page) {
        if (!found.every(function (f) { return f[page]; })) return;
        var where = found.map(function (f) { return f[page]; });
        results[page] = {page: Number(page), score: total(where), where: found, reading: reading,
                         check: found.length > 1 || where.some(function (w) { return w.unsure; })};
      });
      return results;
    });
  };

  // A page's score for a reading: each phrase's, and its parts near one another in the text
  // (places read from the record by ``checked``), closer, higher.
  function total(where) {
    var sum = 0, near = null;
    where.forEach(function (w) { sum += score(w); });
    for (var a = 1; a < where.length; a++) {
      var x = where[a - 1].at, y = where[a].at;
      if (x && y) x.forEach(function (p) { y.forEach(function (q) { near = Math.min(near === null ? 1e9 : near, Math.abs(p - q)); }); });
    }
    return near === null ? sum : sum + 10 / (1 + near / 10);
  }
  function byScore(a, b) { return b.score - a.score || a.page - b.page; }

  // The results of a query, best first; the best ``limit`` of them checked (see ``checked``).
  Index.prototype.search = function (query, limit) {
    var index = this;
    return Promise.all(index.readings(query).map(function (r) { return index.match(r); })).then(function (all) {
      var best = {};
      all.forEach(function (results) {
        Object.keys(results).forEach(function (page) {
          if (!best[page] || results[page].score > best[page].score) best[page] = results[page];
        });
      });
      return index.refine(Object.keys(best).map(function (page) { return best[page]; }).sort(byScore), limit || 1);
    });
  };
  // The best results read in their records until ``limit`` of them hold: those that need it
  // (``check``) are checked, a batch at a time, and ranked again among themselves; the rest follow.
  Index.prototype.refine = function (results, limit) {
    var index = this, kept = [], at = 0;
    function next() {
      if (at >= results.length || kept.length >= limit) return Promise.resolve();
      var batch = results.slice(at, at + limit - kept.length);
      at += batch.length;
      return Promise.all(batch.map(function (r) {
        return r.check ? index.record(r.page).then(function (record) { return index.checked(r, record); }) : r;
      })).then(function (done) {
        done.forEach(function (r) { if (r) kept.push(r); });
        return next();
      });
    }
    return next().then(function () { return kept.sort(byScore).concat(results.slice(at)); });
  };
  // A result whose phrases were found in its text by their keys alone, read in its record's text:
  // where each phrase's tokens stand side by side (how often, and where, for nearness); null when a
  // phrase found only so is not there.
  Index.prototype.checked = function (result, record) {
    if (!record) return result;
    var toks = tokens(this.fold(record[4])), page = result.page, reading = result.reading, where = [];
    for (var i = 0; i < reading.phrases.length; i++) {
      var w = Object.assign({}, result.where[i][page]);
      // The last word may be begun, as in the index, unless it makes a bigram with the one before.
      var phrase = reading.phrases[i], n = phrase.length;
      var open = reading.open && i === reading.phrases.length - 1 && (n === 1 || !isCjk(phrase[n - 2]));
      var hits = spans(toks, phrase, open);
      w.at = hits.map(function (h) { return h[0]; });
      if (w.text) w.text = hits.length;
      if (!w.text && !w.names && !w.summary) return null;
      where.push(w);
    }
    var found = result.where.map(function (f, i) { var copy = {}; copy[page] = where[i]; return copy; });
    return {page: page, score: total(where), where: found, reading: reading, check: false};
  };

  // -- when nothing is found: the nearest names --------------------------------------------------
  // Chinese read as it sounds (周恩莱 is read zhou en lai, as 周恩来 is), and a word one letter off
  // (stalim: stalin). Returns the suggestion and its results, or null.
  Index.prototype.nearest = function (query) {
    var index = this, folded = index.fold(query.toLowerCase()), toks = tokens(folded);
    if (!toks.length) return Promise.resolve(null);
    var first = function (candidates) {
      return candidates.reduce(function (chain, candidate) {
        return chain.then(function (done) {
          if (done) return done;
          return index.search(candidate.query).then(function (results) {
            return results.length ? candidate.suggest(results).then(function (s) { return {suggestion: s, results: results}; }) : null;
          });
        });
      }, Promise.resolve(null));
    };
    if (toks.some(function (t) { return isCjk(t.t); })) {
      return index.sounds(toks).then(function (syllables) {
        if (!syllables) return null;
        return first([{query: syllables.join(" ") + " ", suggest: function (results) {
          return index.heard(results[0], syllables.length);
        }}]);
      });
    }
    return Promise.all(toks.map(function (t) { return isWord(t.t) && t.t.length > 2 ? index.wordsFrom(t.t.slice(0, 2)) : []; }))
      .then(function (lists) {
        var candidates = [];
        toks.forEach(function (t, i) {
          lists[i].filter(function (w) { return oneOff(t.t, w); }).forEach(function (w) {
            var fixed = folded.slice(0, t.start) + w + folded.slice(t.end);
            candidates.push({query: fixed + " ", suggest: function () { return Promise.resolve(fixed); }});
          });
        });
        return first(candidates);
      });
  };
  function oneOff(a, b) {
    if (a === b || Math.abs(a.length - b.length) > 1) return false;
    var i = 0;
    while (i < a.length && a[i] === b[i]) i++;
    return a.slice(i + 1) === b.slice(i + 1) || a.slice(i) === b.slice(i + 1) || a.slice(i + 1) === b.slice(i);
  }
  // The pinyin of each Chinese token of the query, or null if one has none.
  Index.prototype.sounds = function (toks) {
    var index = this, names = index.listing.py, count = names.length / 7;
    return Promise.all(toks.map(function (t) {
      if (!isCjk(t.t)) return t.t;
      var at = (t.t.charCodeAt(0) % count) * 7;
      return load(index.base + "y" + names.slice(at, at + 7) + ".js").then(function (table) { return table && table[t.t]; });
    })).then(function (syllables) { return syllables.every(Boolean) ? syllables : null; });
  };
  // The name a reading matched on a result's page: the characters standing where the syllables
  // matched, on the line of pinyin of that name (searchtext.pinyin_lines), else its title.
  Index.prototype.heard = function (result, length) {
    var index = this;
    return index.record(result.page).then(function (record) {
      var names = unique([record[1]].concat(record[5])), hit = null;
      result.where.forEach(function (where) {
        (where[result.page].names || []).forEach(function (n) { if (!hit && n[0] >= names.length) hit = n; });
      });
      if (!hit) return record[1];
      var withChinese = names.filter(function (name) { return Array.prototype.some.call(name, isCjk); });
      var name = withChinese[Math.floor((hit[0] - names.length) / 4)];
      if (!name || (hit[0] - names.length) % 2) return name || record[1];
      var toks = tokens(index.fold(name)).slice(hit[1], hit[1] + length);
      return toks.length === length ? name.slice(toks[0].start, toks[toks.length - 1].end) : name;
    });
  };
  function unique(list) {
    return list.filter(function (item, i) { return list.indexOf(item) === i; });
  }

  // -- showing results ----------------------------------------------------------------------------
  // Where a record's text (else summary) says what the query matched: the places of its tokens, marked.
  Index.prototype.excerpt = function (record, query, width) {
    var index = this, wanted = index.readings(query).map(function (r) { return [].concat.apply([], r.phrases); });
    var sources = [record[4], record[3]];
    for (var s = 0; s < sources.length; s++) {
      var text = sources[s], toks = tokens(index.fold(text));
      for (var w = 0; w < wanted.length; w++) {
        var marks = spans(toks, wanted[w]);
        if (marks.length) return {text: text, marks: marks, width: width};
      }
    }
    return {text: record[3] || record[4], marks: [], width: width};
  };
  // The spans of text where ``phrase``'s tokens (or any part of a query of several) stand side by side.
  function spans(toks, phrase, open) {
    var out = [];
    for (var i = 0; i + phrase.length <= toks.length; i++) {
      var k = 0;
      while (k < phrase.length && (toks[i + k].t === phrase[k] ||
             (open !== false && k === phrase.length - 1 && !isCjk(phrase[k]) && toks[i + k].t.startsWith(phrase[k])))) k++;
      if (k === phrase.length) { out.push([toks[i].start, toks[i + k - 1].end]); i += k - 1; }
    }
    return out;
  }
  function excerptElement(e) {
    var p = document.createElement("p"), text = e.text, at = e.marks.length ? e.marks[0][0] : 0;
    var start = Math.max(0, at - Math.floor(e.width / 5)), end = Math.min(text.length, start + e.width), pos = start;
    p.className = "excerpt";
    if (start > 0) p.append("…");
    e.marks.forEach(function (m) {
      if (m[0] >= end || m[1] <= pos) return;
      p.append(text.slice(pos, Math.max(pos, m[0])));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(Math.max(pos, m[0]), Math.min(m[1], end));
      p.append(mark);
      pos = Math.min(m[1], end);
    });
    p.append(text.slice(pos, end) + (end < text.length ? "…" : ""));
    return p;
  }
  // A result: its title (a link to the page, which marks what matched), its type and the excerpt.
  Index.prototype.item = function (record, query, width) {
    var li = document.createElement("li"), title = document.createElement("p"), link = document.createElement("a");
    var e = this.excerpt(record, query, width), url = new URL(record[0], this.root);
    if (location.protocol === "file:") url.pathname += "index.html";  // a folder from disk would show a listing
    title.className = "result-title";
    link.href = url.href;
    link.dataset.marks = JSON.stringify(unique(e.marks.map(function (m) { return e.text.slice(m[0], m[1]); })));
    link.textContent = record[1];
    title.append(link);
    if (record[2] >= 0) {
      var kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = this.listing.kinds[record[2]][1];
      title.append(" ", kind);
    }
    li.append(title);
    if (e.text) li.append(excerptElement(e));
    return li;
  };
  function message(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }

  // The index of the box's form: its listing and the folding table, loaded once.
  var opened = {};
  function open(form) {
    var listingUrl = new URL(form.dataset.listing, location.href).href;
    if (!opened[listingUrl]) {
      opened[listingUrl] = load(listingUrl).then(function (listing) {
        if (!listing) return null;
        var root = listingUrl.replace(/[^/]*$/, "");
        return load(root + "index/f" + listing.fold + ".js").then(function (fold) { return fold && new Index(root, listing, fold); });
      });
    }
    return opened[listingUrl];
  }

  // A query's results, with the nearest names' when it has none: {results, suggestion}.
  function find(index, query, limit) {
    return index.search(query, limit).then(function (results) {
      if (results.length) return {results: results, suggestion: null};
      return index.nearest(query).then(function (near) {
        return near || {results: [], suggestion: null};
      });
    });
  }

  // -- the header's box: the best results under it as the reader types ---------------------------
  function header(form) {
    var input = form.elements.q, popup = form.querySelector(".search-popup"), list = popup.querySelector(".search-results");
    var status = popup.querySelector(".search-status"), all = popup.querySelector(".search-all a"), asked = 0;
    function close() { popup.hidden = true; }
    function links() { return Array.prototype.slice.call(list.querySelectorAll("a")); }
    function run() {
      var query = input.value.trim(), ask = ++asked;
      delete form.dataset.shown;
      if (!query) { close(); list.textContent = ""; status.textContent = ""; return; }
      open(form).then(function (index) {
        if (!index) return null;
        return find(index, input.value, HEADER_RESULTS).then(function (found) {
          var shown = found.results.slice(0, HEADER_RESULTS);
          return Promise.all(shown.map(function (r) { return index.record(r.page); })).then(function (records) {
            if (ask !== asked) return;
            var q = found.suggestion || query;
            list.textContent = "";
            records.forEach(function (record) { if (record) list.append(index.item(record, q, 60)); });
            status.textContent = found.suggestion ? message(form.dataset.suggest, {q: query, s: found.suggestion})
              : found.results.length ? message(form.dataset.found, {n: found.results.length}) : message(form.dataset.none, {q: query});
            all.href = form.action + "?q=" + encodeURIComponent(q);
            all.parentNode.hidden = found.results.length <= shown.length;
            popup.hidden = false;
            form.dataset.shown = query;  // what the results are of (tests wait for it)
          });
        });
      });
    }
    input.addEventListener("input", run);
    input.addEventListener("focus", function () { if (input.value.trim() && list.children.length) popup.hidden = false; });
    form.addEventListener("keydown", function (event) {
      var items = links(), at = items.indexOf(document.activeElement);
      if (event.key === "Escape") {
        if (!popup.hidden) { close(); input.focus(); event.preventDefault(); }
      } else if ((event.key === "ArrowDown" || event.key === "ArrowUp") && !popup.hidden && items.length) {
        event.preventDefault();
        var next = at + (event.key === "ArrowDown" ? 1 : -1);
        if (next < 0) input.focus();
        else items[Math.min(next, items.length - 1)].focus();
      }
    });
    form.addEventListener("focusout", function (event) {
      if (!form.contains(event.relatedTarget)) close();
    });
    if (input.value.trim()) run();
  }

  // -- the search page: every result, by type, a page of them at a time --------------------------
  function searchPage(form) {
    var input = form.elements.q, kindSelect = form.elements.type, asked = 0;
    var status = document.querySelector(".search-status"), list = document.querySelector(".search-results");
    var more = document.querySelector(".search-more"), all = document.querySelector(".search-index");
    var results = [], shown = 0, index = null, query = "";

    function showMore() {
      var next = results.slice(shown, shown + PAGE_SIZE);
      shown = Math.min(results.length, shown + PAGE_SIZE);
      return Promise.all(next.map(function (r) { return index.record(r.page); })).then(function (records) {
        var first = null;
        records.forEach(function (record) {
          if (!record) return;
          var li = index.item(record, query, 100);
          first = first || li;
          list.append(li);
        });
        more.hidden = shown >= results.length;
        return first;
      });
    }
    // The results of one type (the listing has each page's: a letter, a for the first type).
    function ofKind(found, kind) {
      return found.filter(function (r) {
        var k = index.listing.k.charCodeAt(r.page) - 97;
        return !kind || (k >= 0 && index.listing.kinds[k][0] === kind);
      });
    }
    function run() {
      var typed = input.value.trim(), kind = kindSelect.value, ask = ++asked, params = new URLSearchParams();
      delete form.dataset.shown;
      if (typed) params.set("q", typed);
      if (kind) params.set("type", kind);
      try { history.replaceState(null, "", "?" + params + location.hash); } catch (e) {}  // not from disk, in some browsers
      if (!typed) return show([], null, typed, kind, 0);
      return find(index, input.value, PAGE_SIZE).then(function (found) {
        if (ask !== asked) return;
        query = found.suggestion || typed;
        return show(ofKind(found.results, kind), found.suggestion, typed, kind, found.results.length);
      });
    }
    function show(chosen, suggestion, typed, kind, everywhere) {
      return display(chosen, suggestion, typed, kind, everywhere).then(function () {
        form.dataset.shown = typed + "|" + kind;  // what the results are of (tests wait for it)
      });
    }
    function display(chosen, suggestion, typed, kind, everywhere) {
      results = chosen;
      shown = 0;
      list.textContent = "";
      list.hidden = !results.length;
      more.hidden = true;
      all.hidden = Boolean(results.length);
      if (!typed) { status.textContent = ""; return Promise.resolve(); }
      if (results.length) {
        status.textContent = suggestion ? message(form.dataset.suggest, {q: typed, s: suggestion})
          : message(form.dataset.found, {n: results.length});
        return showMore();
      }
      status.textContent = everywhere
        ? message(form.dataset.noneKind, {q: typed, kind: kindSelect.selectedOptions[0].text, n: everywhere})
        : message(form.dataset.none, {q: typed});
      return Promise.resolve();
    }
    var params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";
    if (Array.prototype.some.call(kindSelect.options, function (o) { return o.value === params.get("type"); })) {
      kindSelect.value = params.get("type");
    }
    form.hidden = false;
    input.focus();
    input.setSelectionRange(input.value.length, input.value.length);
    var ready = open(form).then(function (opened) { index = opened; });
    var ask = function () { return ready.then(function () { return index && run(); }); };
    input.addEventListener("input", ask);
    kindSelect.addEventListener("change", ask);
    // Enter takes the reader to the results: the first result's link has the focus.
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      ask().then(function () {
        var first = list.querySelector("a");
        if (first) first.focus();
      });
    });
    more.querySelector("button").addEventListener("click", function () {
      showMore().then(function (first) { if (first) first.querySelector("a").focus(); });
    });
    ask();
  }

  // -- a page a result opened: what the query matched, marked ------------------------------------
  function highlight(words) {
    var main = document.querySelector("main .page") || document.querySelector("main");
    if (!main || !words.length) return;
    var walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT), nodes = [], node;
    while ((node = walker.nextNode())) {
      if (!node.parentNode.closest("script, style, mark, .breadcrumbs, .toc")) nodes.push(node);
    }
    var pattern = new RegExp(words.map(function (w) { return w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }).join("|"), "gi");
    nodes.forEach(function (text) {
      var value = text.nodeValue, m, last = 0, parts = [];
      pattern.lastIndex = 0;
      while ((m = pattern.exec(value))) {
        parts.push(value.slice(last, m.index));
        var mark = document.createElement("mark");
        mark.className = "search-hit";
        mark.textContent = m[0];
        parts.push(mark);
        last = m.index + m[0].length;
      }
      if (!parts.length) return;
      parts.push(value.slice(last));
      text.replaceWith.apply(text, parts);
    });
  }

  // A result followed: the page it opens marks what matched (kept for that page only, for this tab).
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-marks]");
    if (!link) return;
    try { sessionStorage.setItem("search-marks", JSON.stringify({path: link.pathname, words: JSON.parse(link.dataset.marks)})); } catch (e) {}
  });
  var marks = null;
  try { marks = JSON.parse(sessionStorage.getItem("search-marks")); sessionStorage.removeItem("search-marks"); } catch (e) {}
  if (marks && marks.path === location.pathname) highlight(marks.words);
  var page = document.querySelector(".search-form[data-listing]");
  if (page) searchPage(page);
  var box = document.querySelector(".site-search[data-listing]");
  if (box) header(box);
})();
