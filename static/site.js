// The switcher keeps the reader's place (#fragment) and remembers the chosen script.
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("a[data-variant]");
  if (!link) return;
  try { localStorage.setItem("variant", link.dataset.variant); } catch (e) {}
  if (location.hash && !link.hash) link.hash = location.hash;
});
