// The service worker of Canvass's field pages (served at /sw.js, scope
// "/"). It keeps what a field worker needs with no network: the static
// files and the form evaluator (cache first: their addresses change when
// their content does, or they carry an ETag), and the pages they opened
// or that offline.js asked it to keep — home, task list, the forms of
// their open campaigns (network first, the kept copy when offline).
// Nothing is sent from here: answers and the sync queue live in
// IndexedDB (offline.js). Sign-out empties every cache.
"use strict";

var STATIC = "canvass-static-v1";
var PAGES = "canvass-pages-v1";

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

function isStatic(url) {
  return url.pathname.indexOf("/static/") === 0 || url.pathname === "/offline/evaluator.wasm";
}

// keepable is a page worth keeping: a signed-in page, not the API, not
// a sign-in redirect, not the sign-in page (after sign-out nothing but
// static files is kept again).
function keepable(request, response) {
  var path = response && response.url ? new URL(response.url).pathname : "";
  return path !== "/login" && response && response.ok && !response.redirected && response.type === "basic" &&
    (response.headers.get("Content-Type") || "").indexOf("text/html") === 0 && request.method === "GET";
}

function pageKey(url) {
  var u = new URL(url);
  u.hash = "";
  u.searchParams.delete("lang");
  return u.toString();
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") {
    return;
  }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (isStatic(url)) {
    event.respondWith(caches.open(STATIC).then(function (cache) {
      return cache.match(request).then(function (hit) {
        if (hit && url.search) {
          return hit; // a versioned address never changes
        }
        return fetch(request).then(function (response) {
          if (response.ok) {
            cache.put(request, response.clone());
          }
          return response;
        }).catch(function () {
          return hit || cache.match(request, { ignoreSearch: true }) || Response.error();
        });
      });
    }));
    return;
  }
  if (request.mode !== "navigate") {
    return;
  }
  event.respondWith(fetch(request).then(function (response) {
    if (keepable(request, response)) {
      var copy = response.clone();
      caches.open(PAGES).then(function (cache) {
        cache.put(pageKey(request.url), copy);
      });
    }
    return response;
  }).catch(function () {
    return caches.open(PAGES).then(function (cache) {
      return cache.match(pageKey(request.url)).then(function (hit) {
        return hit || cache.match(pageKey(new URL("/", request.url).toString()));
      });
    }).then(function (hit) {
      return hit || Response.error();
    });
  }));
});

// keep fetches one address into its cache; a page brings the static
// files it links (its scripts, styles, icon) along.
function keep(u) {
  var url = new URL(u, self.location.origin);
  return fetch(url.toString(), { credentials: "same-origin" }).then(function (response) {
    if (isStatic(url)) {
      return response.ok ? caches.open(STATIC).then(function (c) { return c.put(url.toString(), response); }) : null;
    }
    if (!keepable({ method: "GET" }, response)) {
      return null;
    }
    return response.clone().text().then(function (html) {
      var links = [];
      var re = /(?:src|href)="(\/static\/[^"]+)"/g;
      var m;
      while ((m = re.exec(html))) {
        links.push(m[1].replace(/&amp;/g, "&"));
      }
      return caches.open(PAGES).then(function (c) {
        return c.put(pageKey(url.toString()), response);
      }).then(function () {
        return caches.open(STATIC);
      }).then(function (c) {
        return Promise.all(links.map(function (l) {
          return c.match(l).then(function (hit) {
            return hit || c.add(l);
          });
        }));
      });
    });
  }).catch(function () {});
}

// offline.js sends {type: "keep", urls} after fetching the bundle, and
// {type: "clear"} on sign-out.
self.addEventListener("message", function (event) {
  var msg = event.data || {};
  if (msg.type === "keep") {
    event.waitUntil(Promise.all((msg.urls || []).map(keep)).then(function () {
      if (event.source) {
        event.source.postMessage({ type: "kept" });
      }
    }));
  } else if (msg.type === "clear") {
    event.waitUntil(caches.keys().then(function (names) {
      return Promise.all(names.map(function (n) { return caches.delete(n); }));
    }).then(function () {
      if (event.source) {
        event.source.postMessage({ type: "cleared" });
      }
    }));
  }
});
