// A page's script-neutral address: go to the page in the reader's script, keeping the #fragment.
// The script chosen before on a switcher wins; else the first Chinese language of the browser
// (zh-TW, zh-HK, zh-MO and zh-Hant read traditional script); else the first script listed.
(function () {
  var links = Array.prototype.slice.call(document.querySelectorAll("a[data-variant]"));
  var chosen = null;
  try { chosen = localStorage.getItem("variant"); } catch (e) {}
  var target = links.filter(function (a) { return a.dataset.variant === chosen; })[0] || closest() || links[0];
  if (target) location.replace(target.href.split("#")[0] + location.hash);

  function script(tag) {
    var written = /-(hans|hant)\b/i.exec(tag);
    if (written) return written[1].toLowerCase();
    return /-(tw|hk|mo)\b/i.test(tag) ? "hant" : "hans";
  }

  function closest() {
    var languages = navigator.languages || [navigator.language || ""];
    for (var i = 0; i < languages.length; i++) {
      var lang = languages[i].toLowerCase();
      if (!/^zh\b/.test(lang)) continue;
      var same = links.filter(function (a) { return a.hreflang.toLowerCase() === lang; })[0];
      return same || links.filter(function (a) { return script(a.hreflang) === script(lang); })[0];
    }
    return null;
  }
})();
