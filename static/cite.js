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
