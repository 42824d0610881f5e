// The map of every place (templates/map.html). Its list of places becomes marks laid over the map, each
// a link with a visible label. A mark is at least a 24 x 24 px target. Where two marks' boxes (the target
// and its label) overlap, one label moves to the other side of its mark if that frees it; else the two
// merge into a group, the closest first: a button labelled with the place nearest its dot and how many it holds,
// which opens the list of them (Escape, a second press or a press elsewhere closes it). The marks are
// laid out again when the map changes size.
(function () {
  var figure = document.querySelector(".atlas");
  if (!figure) return;
  var canvas = figure.querySelector(".atlas-canvas"), list = figure.querySelector(".atlas-marks");
  var marks = Array.prototype.slice.call(list.children), TARGET = 24, GAP = 2, laidFor = -1;

  // An item is a mark or a group: its element, the marks it holds, and where its dot's centre is (px).
  function item(element, members) {
    var x = 0, y = 0;
    members.forEach(function (li) { x += li.atlasX; y += li.atlasY; });
    return {element: element, members: members, x: x / members.length, y: y / members.length};
  }

  // Puts an item's dot at its place with its label to the right, or to the left when `flip` (or where
  // the map ends), and notes the box it takes.
  function place(entry, width, flip) {
    var el = entry.element;
    el.style.left = entry.x + "px";
    el.style.top = entry.y + "px";
    el.classList.remove("atlas-flip");
    if (flip || entry.x - TARGET / 2 + el.offsetWidth > width) el.classList.add("atlas-flip");
    entry.flipped = el.classList.contains("atlas-flip");
    var w = el.offsetWidth, h = Math.max(el.offsetHeight, TARGET);
    var left = entry.flipped ? entry.x + TARGET / 2 - w : entry.x - TARGET / 2;
    entry.box = {left: left - GAP, right: left + w + GAP, top: entry.y - h / 2 - GAP, bottom: entry.y + h / 2 + GAP};
  }

  function overlap(a, b) {
    return a.box.left < b.box.right && b.box.left < a.box.right && a.box.top < b.box.bottom && b.box.top < a.box.bottom;
  }

  function apart(a, b) {
    return Math.max(Math.abs(a.x - b.x), Math.abs(a.y - b.y));
  }

  // The two items that overlap with their dots closest together, if any do.
  function closest(items) {
    var found = null;
    items.forEach(function (a, i) {
      items.slice(i + 1).forEach(function (b) {
        if (overlap(a, b) && (!found || apart(a, b) < apart(found[0], found[1]))) found = [a, b];
      });
    });
    return found;
  }

  // Moves an item's label to its other side if that frees it of every other item; tells whether it did.
  function freed(entry, items, width) {
    var was = entry.flipped;
    place(entry, width, !was);
    if (entry.flipped !== was && items.every(function (other) { return other === entry || !overlap(entry, other); })) {
      return true;
    }
    place(entry, width, was);
    return false;
  }

  function group(members, x, y) {
    var li = document.createElement("li"), button = document.createElement("button");
    var named = members.reduce(function (best, li) {
      return Math.hypot(li.atlasX - x, li.atlasY - y) < Math.hypot(best.atlasX - x, best.atlasY - y) ? li : best;
    });
    var label = document.createElement("span"), menu = document.createElement("ul");
    li.className = "atlas-group";
    button.type = "button";
    button.setAttribute("aria-expanded", "false");
    label.className = "label";
    label.textContent = figure.dataset.group.replace("{name}", named.querySelector(".label").textContent)
      .replace("{n}", members.length);
    button.appendChild(label);
    menu.hidden = true;
    members.forEach(function (mark) {
      var entry = document.createElement("li");
      entry.appendChild(mark.querySelector("a").cloneNode(true));
      menu.appendChild(entry);
    });
    li.appendChild(button);
    li.appendChild(menu);
    list.insertBefore(li, members[0]);
    return li;
  }

  function merge(a, b, items, width) {
    [a, b].forEach(function (entry) { if (entry.members.length > 1) list.removeChild(entry.element); });
    var members = a.members.concat(b.members).sort(function (m, n) { return marks.indexOf(m) - marks.indexOf(n); });
    members.forEach(function (li) { li.hidden = true; });
    var joined = item(null, members);
    joined.element = group(members, joined.x, joined.y);
    place(joined, width, false);
    items.splice(items.indexOf(a), 1);
    items.splice(items.indexOf(b), 1, joined);
  }

  function layout() {
    var width = canvas.clientWidth, height = canvas.clientHeight;
    if (width === laidFor) return;
    laidFor = width;
    close();
    Array.prototype.forEach.call(list.querySelectorAll(".atlas-group"), function (g) { list.removeChild(g); });
    var items = marks.map(function (li) {
      li.hidden = false;
      li.atlasX = li.dataset.x / 100 * width;
      li.atlasY = li.dataset.y / 100 * height;
      return item(li, [li]);
    });
    items.forEach(function (entry) { place(entry, width, false); });
    for (var pair = closest(items); pair; pair = closest(items)) {
      var near = apart(pair[0], pair[1]) < TARGET + 2 * GAP;
      if (near || !(freed(pair[1], items, width) || freed(pair[0], items, width))) merge(pair[0], pair[1], items, width);
    }
  }

  function open(li) {
    close();
    var menu = li.querySelector("ul");
    li.querySelector("button").setAttribute("aria-expanded", "true");
    menu.hidden = false;
    li.classList.add("atlas-open");
    // Below its button, or above it where the map ends; never past the map's right side.
    var room = canvas.getBoundingClientRect(), box = menu.getBoundingClientRect();
    if (box.bottom > room.bottom && box.height < box.top - room.top) li.classList.add("atlas-up");
    if (box.right > room.right) menu.style.left = Math.max(-li.offsetLeft, room.right - box.right) + "px";
  }

  // Closes the open group, if one is; returns it.
  function close() {
    var shown = list.querySelector(".atlas-open");
    if (!shown) return null;
    shown.classList.remove("atlas-open", "atlas-up");
    shown.querySelector("button").setAttribute("aria-expanded", "false");
    shown.querySelector("ul").hidden = true;
    shown.querySelector("ul").style.left = "";
    return shown;
  }

  list.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) return;
    if (button.parentNode.classList.contains("atlas-open")) close(); else open(button.parentNode);
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest(".atlas-open")) close();
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var shown = close();
    if (shown) shown.querySelector("button").focus();
  });
  layout();
  figure.classList.add("atlas-live");  // shows the marks, laid out (style.css)
  new ResizeObserver(layout).observe(canvas);
})();
