/* Kiez+ Kiosk service worker: when the server cannot be reached, show a calm "one moment" page.
   It caches only that page and what it needs. Every other request goes to the network, so the
   tablet never shows stale counts or stale forms. */
"use strict";
var CACHE = "kiosk-offline-v1";
var OFFLINE = "/offline";
var OFFLINE_FILES = [OFFLINE, "/static/css/kiosk.css", "/static/js/kiosk.js", "/static/img/icon.svg"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(OFFLINE_FILES); }));
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (key) { return key !== CACHE; })
      .map(function (key) { return caches.delete(key); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(function () { return caches.match(OFFLINE); }));
  } else if (request.method === "GET" && OFFLINE_FILES.indexOf(new URL(request.url).pathname) >= 0) {
    event.respondWith(fetch(request).catch(function () { return caches.match(request); }));
  }
});
