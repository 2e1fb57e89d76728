// The offline app's service worker (expo/checkin/offline_app.py), scoped to one app's address: the
// check-in door of an edition, or a stand's scanner. It keeps the app page and its static files so
// the page opens with no network; the codes list and the scan queue live in IndexedDB (offline.js).
"use strict";

var VERSION = {{ version|tojson }};
var SHELL = {{ shell|tojson }};  // content-hashed static files: a new name is a new file
var SCOPE = self.registration.scope;  // the app page's own address
var PREFIX = "expo-offline " + SCOPE + " ";
var CACHE = PREFIX + VERSION;

function cachePage(cache) {
  // The page needs the person's session: a redirect (to log in) or an error is not kept.
  return fetch(SCOPE, { credentials: "same-origin" }).then(function (response) {
    if (response.ok && !response.redirected) {
      return cache.put(SCOPE, response);
    }
  });
}

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE)
      .then(function (cache) {
        return Promise.all([cache.addAll(SHELL), cachePage(cache).catch(function () {})]);
      })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys()
      .then(function (names) {
        return Promise.all(names.map(function (name) {
          // Older versions of this app's cache; other apps' caches are theirs.
          return name.indexOf(PREFIX) === 0 && name !== CACHE ? caches.delete(name) : null;
        }));
      })
      .then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") {
    return;
  }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate" && url.origin + url.pathname === SCOPE) {
    // The app page: the network's copy when there is one (and keep it), else the kept one.
    event.respondWith(
      fetch(request)
        .then(function (response) {
          if (response.ok && !response.redirected) {
            var copy = response.clone();
            caches.open(CACHE).then(function (cache) { return cache.put(SCOPE, copy); });
          }
          return response;
        })
        .catch(function () {
          return caches.match(SCOPE, { cacheName: CACHE, ignoreSearch: true, ignoreVary: true }).then(function (kept) {
            return kept || Response.error();
          });
        })
    );
    return;
  }
  if (SHELL.indexOf(url.pathname) !== -1) {
    event.respondWith(
      caches.match(request, { cacheName: CACHE, ignoreVary: true }).then(function (kept) {
        return kept || fetch(request);
      })
    );
  }
  // Anything else (the codes list, the counts, other pages) goes to the network as usual.
});
