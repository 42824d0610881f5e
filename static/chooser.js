// Root page: go to the reader's script: the one chosen before, else the browser's first Chinese preference.
(function () {
  var codes = Array.prototype.map.call(document.querySelectorAll("a[data-variant]"), function (a) { return a.dataset.variant; });
  var chosen = null;
  try { chosen = localStorage.getItem("variant"); } catch (e) {}
  if (codes.indexOf(chosen) < 0) {
    var languages = navigator.languages || [navigator.language || ""];
    var chinese = languages.filter(function (lang) { return /^zh\b/i.test(lang); })[0] || "";
    var traditional = /^zh-(TW|HK|MO|Hant)/i.test(chinese);
    chosen = traditional && codes.indexOf("zh-hant") >= 0 ? "zh-hant" : codes[0];
  }
  var target = document.querySelector('a[data-variant="' + chosen + '"]');
  if (target) location.replace(target.href);
})();
