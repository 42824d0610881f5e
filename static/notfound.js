// 404.html: the pages whose addresses are closest to the one asked for, in the reader's script,
// from the list of every page's address that the page carries. (find-base.js has set <base> to
// where the site is served and shown the reader's script.)
(function () {
  var data = JSON.parse(document.getElementById("addresses").textContent);
  var base = new URL(document.baseURI).pathname;
  var asked = decodeURIComponent(location.pathname).toLowerCase();
  if (asked.indexOf(base) === 0) asked = asked.slice(base.length);
  asked = asked.replace(/(index)?\.html?$/, "").replace(/\/*$/, "/");
  var code = asked.split("/")[0];
  if (data.titles[code]) asked = asked.slice(code.length + 1);
  if (!asked.replace(/\//g, "")) return;

  // Edits (insertions, deletions, substitutions) that turn one address into the other.
  function distance(a, b) {
    var row = [], i, j;
    for (j = 0; j <= b.length; j++) row.push(j);
    for (i = 1; i <= a.length; i++) {
      var diagonal = row[0];
      row[0] = i;
      for (j = 1; j <= b.length; j++) {
        var above = row[j];
        row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
        diagonal = above;
      }
    }
    return row[b.length];
  }
  // An address's last part alone, for a page moved to another folder.
  function last(path) { return path.replace(/\/$/, "").split("/").pop(); }
  var ranked = data.paths.map(function (path, i) {
    return {i: i, d: Math.min(distance(asked, path), distance(last(asked), last(path)) + 1)};
  }).filter(function (r) {
    return data.paths[r.i] && r.d <= Math.max(2, Math.floor(asked.length / 3));
  }).sort(function (a, b) { return a.d - b.d || a.i - b.i; }).slice(0, 5);
  if (!ranked.length) return;

  document.querySelectorAll("section[data-variant]").forEach(function (section) {
    var list = section.querySelector(".closest ul"), titles = data.titles[section.dataset.variant];
    ranked.forEach(function (r) {
      var item = document.createElement("li"), link = document.createElement("a");
      link.href = section.dataset.variant + "/" + data.paths[r.i];
      link.textContent = titles[r.i];
      item.appendChild(link);
      list.appendChild(item);
    });
    section.querySelector(".closest").hidden = false;
  });
})();
