(function () {
var base = document.querySelector("base"), codes = base.dataset.variants.split(" "), parts = location.pathname.split("/");
for (var i = 1; i < parts.length; i++) {
if (codes.indexOf(parts[i]) < 0) continue;
base.href = parts.slice(0, i).join("/") + "/";
document.addEventListener("DOMContentLoaded", function () {
document.querySelectorAll("section[data-variant]").forEach(function (s) { s.hidden = s.dataset.variant !== parts[i]; });
});
return;
}
})();
