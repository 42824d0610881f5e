// Previews: pointing at a link in the text shows where it leads. A citation or footnote mark shows its
// reference or note; a link to another page shows that page's kind, date, title and summary (the cards
// of partials/previews.html, already in the reader's script). It opens on hover, on keyboard focus and
// on a first tap (a second tap, Escape, or leaving it closes it), lies over the text so that nothing
// moves, and is the link's description for screen readers. Without JavaScript the links are plain links.
(function () {
  var TRIGGERS = ".body a[href], .facts a[href]";
  var main = document.querySelector("main"), cards = {}, template = document.querySelector("template.preview-cards");
  if (!main) return;
  if (template) {
    Array.prototype.forEach.call(template.content.querySelectorAll(".preview-card[data-href]"), function (card) {
      cards[address(card.getAttribute("data-href"))] = card;
    });
  }
  var box = document.createElement("div");
  box.className = "preview";
  box.id = "preview";
  box.setAttribute("role", "tooltip");
  box.hidden = true;
  main.appendChild(box);
  var owner = null, openedBy = "", showing = 0, hiding = 0, pointer = "";

  // A page's address, less its fragment, and less index.html (which site.js adds to links opened from disk).
  function address(href) {
    return new URL(href, location.href).href.split("#")[0].replace(/index\.html$/, "");
  }

  // What a link's preview shows, or null: a mark's note less its way back, or the card of the page it leads to.
  function content(link) {
    var href = link.getAttribute("href"), mark = link.closest("sup");
    if (href.charAt(0) === "#") {
      var note = mark && document.getElementById(decodeURIComponent(href.slice(1)));
      if (!note) return null;
      var copy = document.createElement("div");
      copy.className = "preview-note";
      Array.prototype.forEach.call(note.childNodes, function (node) { copy.appendChild(node.cloneNode(true)); });
      Array.prototype.forEach.call(copy.querySelectorAll(".backref, .footnote-backref"), function (back) { back.remove(); });
      Array.prototype.forEach.call(copy.querySelectorAll("[id]"), function (node) { node.removeAttribute("id"); });
      return copy;
    }
    var card = !mark && cards[address(link.href)];
    return card ? card.cloneNode(true) : null;
  }

  function open(link, how) {
    clearTimeout(showing);
    clearTimeout(hiding);
    if (owner === link) return true;
    var shown = content(link);
    close();
    if (!shown) return false;
    box.appendChild(shown);
    // A tooltip's links are not in the tab order (the link itself is); a click or a tap still follows them.
    Array.prototype.forEach.call(box.querySelectorAll("a"), function (a) { a.tabIndex = -1; });
    box.hidden = false;
    place(link);
    link.setAttribute("aria-describedby", box.id);
    owner = link;
    openedBy = how;
    return true;
  }

  function close() {
    clearTimeout(showing);
    clearTimeout(hiding);
    if (!owner) return;
    owner.removeAttribute("aria-describedby");
    box.hidden = true;
    box.textContent = "";
    owner = null;
  }

  // Below the link's first line, or above it where the window has no room below; within the window's width.
  function place(link) {
    box.style.left = box.style.top = "0px";
    var origin = box.getBoundingClientRect(), line = link.getClientRects()[0] || link.getBoundingClientRect();
    var width = origin.width, height = origin.height, room = document.documentElement.clientWidth, gap = 6;
    var left = Math.max(gap, Math.min(line.left, room - width - gap));
    var top = line.bottom + gap + height > window.innerHeight && line.top - gap - height >= 0
      ? line.top - gap - height : line.bottom + gap;
    box.style.left = left - origin.left + "px";
    box.style.top = top - origin.top + "px";
  }

  function trigger(target) {
    return target.closest ? target.closest(TRIGGERS) : null;
  }

  document.addEventListener("pointerdown", function (event) { pointer = event.pointerType; }, true);
  document.addEventListener("keydown", function (event) {
    pointer = "";
    if (event.key === "Escape" && owner) close();
  });

  // Hover, with a short wait either way, so that passing over a link shows nothing and the pointer may
  // move onto the preview.
  document.addEventListener("pointerover", function (event) {
    if (event.pointerType === "touch") return;
    var link = trigger(event.target);
    if (link || box.contains(event.target)) clearTimeout(hiding);
    if (link && link !== owner) {
      clearTimeout(showing);
      showing = setTimeout(open, 300, link, "hover");
    }
  });
  document.addEventListener("pointerout", function (event) {
    if (event.pointerType === "touch") return;
    var from = trigger(event.target) || (box.contains(event.target) ? box : null), to = event.relatedTarget;
    if (!from || (to && (from.contains(to) || box.contains(to) || (owner && owner.contains(to))))) return;
    clearTimeout(showing);
    if (owner && openedBy === "hover") hiding = setTimeout(close, 300);
  });

  // Keyboard focus (not the focus a click or a tap gives).
  document.addEventListener("focusin", function (event) {
    var link = trigger(event.target);
    if (link && !pointer) open(link, "focus");
  });
  document.addEventListener("focusout", function (event) {
    if (event.target === owner && openedBy === "focus") close();
  });

  // Touch: the first tap on a link shows its preview, the second closes it; a tap elsewhere closes it too.
  document.addEventListener("click", function (event) {
    if (pointer !== "touch") return;
    var link = trigger(event.target);
    if (link && owner === link) {
      event.preventDefault();
      close();
    } else if (link && open(link, "tap")) {
      event.preventDefault();
    } else if (owner && !box.contains(event.target)) {
      close();
    }
  });
})();
