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
var BLOCKS = "main :is(h1, h2, h3, h4, p, li, dt, dd, blockquote, pre, tr, figure)", readingPlace = null, settling;
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
  if (block) window.scrollTo({top: block.getBoundingClientRect().top + window.scrollY - place.top, behavior: "instant"});
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
