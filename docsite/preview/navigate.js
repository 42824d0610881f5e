/* The preview's plugin for livereload.js: takes the browser to the page an editor saves, as Hugo's
   navigateToChanged does. The server's reload message then names, instead of a file, the page's
   address in each script and its script-neutral address ("docsite-navigate:" and a JSON object,
   {"zh-hans": "/zh-hans/people/x/", ..., "": "/people/x/"}); a tab goes to the address in its own
   script, the first segment of its path, or reloads when it shows that page already. Any other
   message is left to livereload.js (which reloads the page). */
(function () {
  "use strict";
  var PREFIX = "docsite-navigate:";

  function Navigate(window) {
    this.window = window;
  }
  Navigate.identifier = "docsite-navigate";
  Navigate.version = "1.0";

  Navigate.prototype.reload = function (path) {
    if (path.indexOf(PREFIX) !== 0) {
      return false;
    }
    var addresses = JSON.parse(path.slice(PREFIX.length));
    var location = this.window.location;
    var script = location.pathname.split("/")[1];
    var target = Object.prototype.hasOwnProperty.call(addresses, script) ? addresses[script] : addresses[""];
    if (location.pathname === target) {
      location.reload();
    } else {
      location.assign(target);
    }
    return true;
  };

  if (window.LiveReload) {
    window.LiveReload.addPlugin(Navigate);
  } else {
    window.LiveReloadPluginNavigate = Navigate; // livereload.js adds it when it loads
  }
})();
