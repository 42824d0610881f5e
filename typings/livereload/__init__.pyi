# livereload 2.7 ships no types; docsite uses its handlers and watcher only (see those stubs).
