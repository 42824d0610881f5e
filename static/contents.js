// The page's contents follow the reading: the entry of the section at the top of the window is marked
// (aria-current), as the reader scrolls or jumps. Without JavaScript the contents are plain links.
(function () {
  var links = Array.prototype.slice.call(document.querySelectorAll(".toc a[href^='#']"));
  var targets = links.map(function (a) { return document.getElementById(decodeURIComponent(a.hash.slice(1))); });
  var current = null, pending = false;
  if (!links.length) return;

  // The section being read: the last whose heading is above the upper fifth of the window, or, at the
  // end of the page (where the last headings may never get so high), the last in the window.
  function mark() {
    pending = false;
    var end = window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 2;
    var line = end ? window.innerHeight : window.innerHeight / 5, found = null;
    targets.forEach(function (target, i) {
      if (target && target.getBoundingClientRect().top <= line) found = links[i];
    });
    if (found === current) return;
    if (current) current.removeAttribute("aria-current");
    if (found) found.setAttribute("aria-current", "location");
    current = found;
  }

  window.addEventListener("scroll", function () {
    if (!pending) window.requestAnimationFrame(mark);
    pending = true;
  }, { passive: true });
  window.addEventListener("resize", mark);
  // First once the page has loaded (at a #fragment, a section is being read already): measuring the
  // headings before would lay out the whole page in the middle of loading it.
  window.addEventListener("load", function () { window.requestAnimationFrame(mark); });
})();
