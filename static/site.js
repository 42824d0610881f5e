// The switcher keeps the reader's place (#fragment) and remembers the chosen script.
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("a[data-variant]");
  if (!link) return;
  try { localStorage.setItem("variant", link.dataset.variant); } catch (e) {}
  if (location.hash && !link.hash) link.hash = location.hash;
});

// Opened from disk (file://), a link to a folder would show a file listing: point it at the folder's index.html.
if (location.protocol === "file:") {
  Array.prototype.forEach.call(document.querySelectorAll("a[href]"), function (a) {
    if (a.protocol === "file:" && a.pathname.slice(-1) === "/") a.pathname += "index.html";
  });
}
