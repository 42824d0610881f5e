// The switcher keeps the reader's place (#fragment) and remembers the chosen script.
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("a[data-variant]");
  if (!link) return;
  try { localStorage.setItem("variant", link.dataset.variant); } catch (e) {}
  if (location.hash && !link.hash) link.hash = location.hash;
  else if (!link.hash) keepPlace(link.pathname);
});

// Without a fragment, the place is the first heading or paragraph in view: its number among the
// page's blocks (the same in every script) and how far it stands from the top of the window, kept
// for the page in the other script to scroll to. The switcher is in the header, so the place is the
// one the reader last stopped at with the header out of view, before going up to it.
var BLOCKS = "main :is(h1, h2, h3, h4, p, li, dt, dd, blockquote, pre, tr, figure):not(.toc *, .connections *)", readingPlace = null, settling;
function placeInView() {
  var blocks = document.querySelectorAll(BLOCKS);
  for (var i = 0; i < blocks.length; i++) {
    var box = blocks[i].getBoundingClientRect();
    if (box.bottom > 0 && box.height) return {block: i, top: box.top};
  }
  return null;
}
function headerInView() {
  var header = document.querySelector(".site-header");
  return !header || header.getBoundingClientRect().bottom > 0;
}
window.addEventListener("scroll", function () {
  clearTimeout(settling);
  settling = setTimeout(function () { if (!headerInView()) readingPlace = placeInView(); }, 100);
}, {passive: true});
function keepPlace(path) {
  var place = (headerInView() && readingPlace) || placeInView();
  if (!place) return;
  place.path = path;
  try { sessionStorage.setItem("place", JSON.stringify(place)); } catch (e) {}
}
(function () {
  var place;
  try { place = JSON.parse(sessionStorage.getItem("place")); sessionStorage.removeItem("place"); } catch (e) { return; }
  if (!place || place.path !== location.pathname || location.hash) return;
  var block = document.querySelectorAll(BLOCKS)[place.block];
  if (!block) return;
  window.scrollTo({top: block.getBoundingClientRect().top + window.scrollY - place.top, behavior: "instant"});
  readingPlace = {block: place.block, top: place.top};  // the reader may go straight back up to the switcher
})();

// Opened from disk (file://), a link or a form (the search box) to a folder would show a file listing:
// point it at the folder's index.html.
if (location.protocol === "file:") {
  Array.prototype.forEach.call(document.querySelectorAll("a[href]"), function (a) {
    if (a.protocol === "file:" && a.pathname.slice(-1) === "/") a.pathname += "index.html";
  });
  Array.prototype.forEach.call(document.querySelectorAll("form[action$='/']"), function (form) {
    form.action += "index.html";
  });
}

// Dark mode follows the system until the reader picks the other scheme on the switch; the choice is
// remembered (the script in <head> applies it before the first paint) and dropped when it matches the system again.
(function () {
  var button = document.querySelector(".theme-toggle"), root = document.documentElement;
  var system = window.matchMedia("(prefers-color-scheme: dark)");
  if (!button) return;
  function dark() { return root.dataset.theme ? root.dataset.theme === "dark" : system.matches; }
  function show() { button.setAttribute("aria-pressed", String(dark())); }
  button.addEventListener("click", function () {
    var wanted = dark() ? "light" : "dark", usual = wanted === (system.matches ? "dark" : "light");
    if (usual) delete root.dataset.theme; else root.dataset.theme = wanted;
    try { if (usual) localStorage.removeItem("theme"); else localStorage.setItem("theme", wanted); } catch (e) {}
    show();
  });
  system.addEventListener("change", show);
  show();
})();

// On paper a link is its address: before printing, the first link to each other page in the text
// gets its absolute URL, readably decoded (resolved against the canonical URL, so a preview prints
// the published addresses); links printed without it (navigation, the site timeline's) are left out.
window.addEventListener("beforeprint", function () {
  var canonical = document.querySelector("link[rel=canonical]"), base = canonical ? canonical.href : location.href;
  var seen = {};
  Array.prototype.forEach.call(document.querySelectorAll("main .page a[href]"), function (a) {
    var href = a.getAttribute("href"), url = decodeURI(new URL(href, base).href);
    if (href.charAt(0) === "#" || a.closest("nav, .on-timeline") || a.textContent.trim() === url || seen[url]) return;
    seen[url] = true;
    a.dataset.printUrl = url;
  });
});

// Cite this page (templates/partials/cite.html): the entries get the day of reading and the page's
// own address as the browser resolves it, and each a button that copies it and says so politely.
(function () {
  var box = document.querySelector(".cite");
  if (!box) return;
  var status = box.querySelector(".cite-status"), canonical = document.querySelector("link[rel=canonical]");
  var now = new Date(), pad = function (n) { return (n < 10 ? "0" : "") + n; };
  var today = now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate());
  box.querySelectorAll(".cite-accessed").forEach(function (span) { span.textContent = today; });
  if (canonical) {
    var url = new URL(canonical.getAttribute("href"), location.href).href;
    box.querySelectorAll(".cite-url").forEach(function (span) { span.textContent = url; });
  }

  function copied(entry) {
    status.textContent = "";
    // A new text each time, so that a second copy is announced too.
    setTimeout(function () { status.textContent = status.dataset.copied + " " + entry.querySelector("figcaption").textContent; }, 50);
  }
  function select(text) {
    var range = document.createRange();
    range.selectNodeContents(text);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
  }
  box.addEventListener("click", function (event) {
    var button = event.target.closest(".cite-copy");
    if (!button) return;
    var entry = button.closest(".cite-entry"), text = entry.querySelector(".cite-text");
    select(text);  // the entry is shown selected, and copied by hand where the clipboard is closed
    if (navigator.clipboard) {
      navigator.clipboard.writeText(text.textContent).then(function () { copied(entry); }, function () {});
    } else if (document.execCommand("copy")) {
      copied(entry);
    }
  });
})();

// 404.html: the pages whose addresses are closest to the one asked for, in each script, from the
// list of every page's address, a file the page names. (find-base.js has set <base> to where the
// site is served; it shows the reader's script only.)
(function () {
  var main = document.querySelector("main[data-addresses]");
  if (!main || !window.fetch) return;
  fetch(new URL(main.dataset.addresses, document.baseURI).href)
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (data) { if (data) offer(data); }, function () {});  // offline, or opened from disk: the search box stays

  function offer(data) {
    var base = new URL(document.baseURI).pathname;
    var asked = decodeURIComponent(location.pathname).toLowerCase();
    if (asked.indexOf(base) === 0) asked = asked.slice(base.length);
    asked = asked.replace(/(index)?\.html?$/, "").replace(/\/*$/, "/");
    var code = asked.split("/")[0];
    if (data.titles[code]) asked = asked.slice(code.length + 1);
    if (!asked.replace(/\//g, "")) return;

    // Edits (insertions, deletions, substitutions) that turn one address into the other.
    function distance(a, b) {
      var row = [], i, j;
      for (j = 0; j <= b.length; j++) row.push(j);
      for (i = 1; i <= a.length; i++) {
        var diagonal = row[0];
        row[0] = i;
        for (j = 1; j <= b.length; j++) {
          var above = row[j];
          row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
          diagonal = above;
        }
      }
      return row[b.length];
    }
    // The whole address a few edits away, or its last part (a page moved to another folder).
    function last(path) { return path.replace(/\/$/, "").split("/").pop(); }
    function near(a, b, extra) { var d = distance(a, b); return d <= Math.floor(a.length / 4) ? d + extra : Infinity; }
    var ranked = data.paths.map(function (path, i) {
      return {i: i, d: Math.min(near(asked, path, 0), near(last(asked), last(path), 1))};
    }).filter(function (r) { return data.paths[r.i] && r.d < Infinity; })
      .sort(function (a, b) { return a.d - b.d || a.i - b.i; }).slice(0, 5);
    if (!ranked.length) return;

    document.querySelectorAll("section[data-variant]").forEach(function (section) {
      var list = section.querySelector(".closest ul"), titles = data.titles[section.dataset.variant];
      ranked.forEach(function (r) {
        var item = document.createElement("li"), link = document.createElement("a");
        link.href = section.dataset.variant + "/" + data.paths[r.i];
        link.textContent = titles[r.i];
        item.appendChild(link);
        list.appendChild(item);
      });
      section.querySelector(".closest").hidden = false;
    });
  }
})();

// Search: static/search.js is loaded when the reader first uses the header's box (or "/", which
// focuses it), and on a page opened from a result, which marks what the query matched.
(function () {
  var form = document.querySelector(".site-search[data-search-script]"), loaded = false;
  function load() {
    if (loaded || !form) return;
    loaded = true;
    var script = document.createElement("script");
    script.src = form.dataset.searchScript;
    document.head.appendChild(script);
  }
  if (form) form.addEventListener("focusin", load);
  document.addEventListener("keydown", function (event) {
    var target = event.target, box = document.querySelector(".site-search input, #search-query");
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || !box) return;
    if (/^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName) || target.isContentEditable) return;
    event.preventDefault();
    box.focus();
  });
  try { if (sessionStorage.getItem("search-marks")) load(); } catch (e) {}
})();
