// The timeline's overview (templates/partials/overview.html), drawn at build time; this adds:
// - a label for the mark under the pointer, focused or tapped (a tap on a touch screen shows it, a
//   second tap, or one on the label, goes to the entry; a click goes at once);
// - the marks as one tab stop, walked with the arrow keys, Home and End;
// - groups that open the list of their events (Escape closes it);
// - the zoom into an era, kept in the address (?zoom=) so a zoomed view can be linked, and Back undoes it.
// Without it the whole chart shows and every mark is a plain link to its entry.
(function () {
  var figure = document.querySelector(".overview");
  if (!figure) return;
  var views = Array.prototype.slice.call(figure.querySelectorAll(".overview-view"));
  var buttons = Array.prototype.slice.call(figure.querySelectorAll(".overview-zoom button"));
  var hint = figure.querySelector(".overview-hint"), label = figure.querySelector(".overview-label");
  var selected = null, touch = false;

  function all(root, selector) { return Array.prototype.slice.call(root.querySelectorAll(selector)); }
  function marks(view) { return all(view, "a.mark"); }
  function visible() { return views.filter(function (v) { return !v.hidden; })[0]; }
  function list(mark) { var id = mark.getAttribute("aria-controls"); return id ? document.getElementById(id) : null; }

  function show(mark) {
    hint.hidden = Boolean(mark);
    label.hidden = !mark;
    if (!mark) return;
    label.textContent = mark.querySelector("title").textContent.replace(/\s+/g, " ").trim();
    label.setAttribute("href", mark.getAttribute("href"));
  }

  function select(mark) {
    if (selected) selected.classList.remove("selected");
    selected = mark;
    if (mark) mark.classList.add("selected");
    show(mark);
  }

  function rove(view, mark) {
    marks(view).forEach(function (m) { m.setAttribute("tabindex", m === mark ? "0" : "-1"); });
  }

  function close() {
    all(figure, ".overview-group").forEach(function (group) { group.hidden = true; });
    all(figure, "a.group").forEach(function (mark) { mark.setAttribute("aria-expanded", "false"); });
  }

  function open(mark, focus) {
    var group = list(mark), opening = group.hidden;
    close();
    group.hidden = !opening;
    mark.setAttribute("aria-expanded", String(opening));
    if (opening && focus) group.querySelector("a").focus();
  }

  // The mark of the entry the address points to, in every view.
  function current() {
    var hash = decodeURIComponent(location.hash);
    views.forEach(function (view) {
      var found = null;
      marks(view).forEach(function (mark) {
        var group = list(mark), here = hash.length > 1 && (mark.getAttribute("href") === hash ||
          Boolean(group && all(group, "a").some(function (a) { return a.getAttribute("href") === hash; })));
        mark.classList.toggle("current", here);
        if (here && !found) found = mark;
      });
      rove(view, found || marks(view)[0]);
    });
  }

  function zoomed() {
    var key = new URLSearchParams(location.search).get("zoom");
    return views.filter(function (v) { return v.id === "overview-" + key; })[0] || views[0];
  }

  function zoom(view, remember) {
    views.forEach(function (v) { v.hidden = v !== view; });
    buttons.forEach(function (b) { b.setAttribute("aria-pressed", String(b.getAttribute("aria-controls") === view.id)); });
    close();
    select(null);
    if (!remember) return;
    var url = new URL(location.href);
    if (view === views[0]) url.searchParams.delete("zoom");
    else url.searchParams.set("zoom", view.id.replace("overview-", ""));
    try { history.pushState(null, "", url.href); } catch (e) {}  // refused on some file:// pages
  }

  buttons.forEach(function (button) {
    button.addEventListener("click", function () { zoom(document.getElementById(button.getAttribute("aria-controls")), true); });
  });

  figure.addEventListener("pointerdown", function (event) { touch = event.pointerType !== "mouse"; });
  figure.addEventListener("mouseover", function (event) {
    var mark = event.target.closest("a.mark");
    if (mark) show(mark);
  });
  figure.addEventListener("mouseleave", function () { show(selected); });
  figure.addEventListener("focusin", function (event) {
    var mark = event.target.closest("a.mark");
    if (!mark) return;
    rove(visible(), mark);
    show(mark);
  });

  figure.addEventListener("click", function (event) {
    var mark = event.target.closest("a.mark");
    if (!mark) return;
    if (list(mark)) {
      event.preventDefault();
      select(mark);
      open(mark, event.detail === 0);  // from the keyboard: into the list
    } else if (touch && mark !== selected) {
      event.preventDefault();  // a first tap only labels the mark
      select(mark);
    } else {
      select(mark);
    }
    touch = false;
  });

  figure.addEventListener("keydown", function (event) {
    var mark = event.target.closest("a.mark"), group = event.target.closest(".overview-group");
    if (event.key === "Escape" && (group || (mark && list(mark)))) {
      var opener = group ? figure.querySelector("a.group[aria-controls='" + group.id + "']") : mark;
      close();
      opener.focus();
      return;
    }
    if (!mark) return;
    var walk = marks(visible()), i = walk.indexOf(mark);
    var to = {ArrowRight: i + 1, ArrowDown: i + 1, ArrowLeft: i - 1, ArrowUp: i - 1, Home: 0, End: walk.length - 1}[event.key];
    if (to === undefined) return;
    event.preventDefault();
    walk[Math.max(0, Math.min(walk.length - 1, to))].focus();
  });

  window.addEventListener("hashchange", current);
  window.addEventListener("popstate", function () {  // also fired by each jump to an entry: only a change of zoom counts
    if (zoomed() !== visible()) zoom(zoomed(), false);
  });
  zoom(zoomed(), false);
  current();
})();
