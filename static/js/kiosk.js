/* Kiez+ Kiosk: the few things a page cannot do without script. No framework, no inline code. */
(function () {
  "use strict";
  var body = document.body;
  var home = body.dataset.home;
  var visitor = body.classList.contains("visitor") && Boolean(home);

  /* Never stuck: on a visitor page every navigation first asks /health (a short request with a
     timeout). When the server does not answer, a calm overlay stays on this page, asks again
     every few seconds and goes home once the server is back. No service worker is needed for
     this, so it also works over plain HTTP on the room's network. */
  var HEALTH_TIMEOUT_MS = 3000;
  var RETRY_MS = 4000;
  var away = document.getElementById("away-notice");
  var leaving = false;
  var retrying = null;

  function serverAnswers() {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = setTimeout(function () { if (controller) { controller.abort(); } }, HEALTH_TIMEOUT_MS);
    return fetch("/health", { cache: "no-store", credentials: "same-origin", signal: controller && controller.signal })
      .then(function (response) { return response.ok; }, function () { return false; })
      .then(function (ok) { clearTimeout(timer); return ok; });
  }

  function waitForServer() {
    if (away) { away.hidden = false; }
    if (retrying) { return; }
    retrying = setInterval(function () {
      serverAnswers().then(function (ok) {
        if (ok && retrying) { clearInterval(retrying); retrying = null; window.location.assign(home); }
      });
    }, RETRY_MS);
  }

  /* Leave this page with ``go`` once the server answers; only one way out at a time. */
  function whenServerAnswers(go, otherwise) {
    if (leaving) { return; }
    leaving = true;
    serverAnswers().then(function (ok) { if (ok) { go(); } else { (otherwise || waitForServer)(); } });
  }

  /* No tap lost: on the enrolled tablet, "Ich bin da" tapped while the server is away is kept
     here (a random id, the hour it was tapped and the screen language, nothing else), the visitor is thanked as usual,
     and the tablet delivers it once the server is back; the server counts each id only once. */
  var tablet = Boolean(body.dataset.tablet);
  var PENDING = "kiosk-kept-checkins";
  var keptThanks = document.getElementById("kept-thanks");

  function keptCheckins() {
    try { return JSON.parse(window.localStorage.getItem(PENDING) || "[]"); } catch (e) { return []; }
  }

  function randomId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);  /* randomUUID needs a secure context; this does not */
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  function keepCheckin() {
    var kept = keptCheckins();
    kept.push({ id: randomId(), hour: Math.floor(Date.now() / 3600000) * 3600,
                lang: document.documentElement.lang || "" });
    window.localStorage.setItem(PENDING, JSON.stringify(kept));
    if (keptThanks) { keptThanks.hidden = false; }
    setTimeout(function () {
      if (keptThanks) { keptThanks.hidden = true; }
      waitForServer();
    }, parseInt((keptThanks && keptThanks.dataset.seconds) || "8", 10) * 1000);
  }

  function csrfToken() {
    var field = document.querySelector("input[name=csrf_token]");
    return field ? field.value : "";
  }

  function forget(id) {
    window.localStorage.setItem(PENDING, JSON.stringify(keptCheckins().filter(function (c) { return c.id !== id; })));
  }

  var delivering = false;
  function deliverKept() {
    var next = keptCheckins()[0];
    if (!next || delivering) { return; }
    delivering = true;
    fetch("/checkin/late", {
      method: "POST", credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "Content-Type": "application/x-www-form-urlencoded" },
      body: "id=" + encodeURIComponent(next.id) + "&hour=" + encodeURIComponent(next.hour) +
        "&lang=" + encodeURIComponent(next.lang || "")
    }).then(function (response) {
      return response.json().then(function (answer) {
        /* Counted now, counted before, or refused for good: never send it again. */
        if (answer.status) { forget(next.id); return true; }
        return false;
      }, function () { return false; });
    }, function () { return false; }).then(function (sent) {
      delivering = false;
      if (sent) { deliverKept(); }
    });
  }

  function goTo(url) {
    if (!visitor) { window.location.assign(url); return; }
    whenServerAnswers(function () { window.location.assign(url); });
  }

  /* Back from the browser's page cache: this page may be left again. */
  window.addEventListener("pageshow", function (event) { if (event.persisted) { leaving = false; } });

  /* A tapped link on a visitor page: the same check first. */
  if (visitor) {
    document.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a[href]") : null;
      if (!link || event.defaultPrevented || event.button !== 0 ||
          event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) { return; }
      if ((link.target && link.target !== "_self") || link.hasAttribute("download") ||
          link.origin !== window.location.origin) { return; }
      if (link.hash && link.pathname === window.location.pathname && link.search === window.location.search) { return; }
      event.preventDefault();
      goTo(link.href);
    });
  }

  /* One tap is one answer: a form sends once, however often a finger lands on it. */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented) { return; }  /* another script handles this form itself */
    if (form.dataset.sent) { event.preventDefault(); return; }
    form.dataset.sent = "1";
    var submitter = event.submitter;
    if (submitter && submitter.name) {
      /* Disabled buttons are not sent, so carry the tapped answer in a hidden field. */
      var carry = document.createElement("input");
      carry.type = "hidden"; carry.name = submitter.name; carry.value = submitter.value;
      form.appendChild(carry);
    }
    Array.prototype.forEach.call(form.querySelectorAll("button"), function (b) { b.disabled = true; });
    if (visitor) {
      event.preventDefault();
      var keep = tablet && form.hasAttribute("data-checkin") ? keepCheckin : null;
      whenServerAnswers(function () { HTMLFormElement.prototype.submit.call(form); }, keep);
    }
  });

  /* Idle reset: back home in the default language after a while without a touch. */
  var idleSeconds = parseInt(body.dataset.idleSeconds || "0", 10);
  var warningSeconds = parseInt(body.dataset.idleWarning || "10", 10);
  if (idleSeconds > 0 && home) {
    var notice = document.getElementById("idle-notice");
    var count = document.getElementById("idle-count");
    var lastTouch = Date.now();
    var touched = function () { lastTouch = Date.now(); };
    ["pointerdown", "keydown", "touchstart", "wheel"].forEach(function (type) {
      document.addEventListener(type, touched, { passive: true, capture: true });
    });
    /* The notice closes on the click, not the touch: a finger lifted from it must not land on
       the answer button underneath. */
    if (notice) {
      notice.addEventListener("click", function (event) {
        event.preventDefault(); touched(); notice.hidden = true;
      });
    }
    setInterval(function () {
      if (leaving) { return; }
      var left = idleSeconds - Math.floor((Date.now() - lastTouch) / 1000);
      if (left <= 0) { if (notice) { notice.hidden = true; } goTo(home); return; }
      if (notice && left <= warningSeconds) {
        notice.hidden = false;
        if (count) { count.textContent = left; }
      }
    }, 250);
  }

  /* Print buttons (the funder's report, puzzle sheets, take-home slips): the one place that binds
     them, so one tap opens one print dialog. Hidden without a script, which could not print. */
  Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  /* The check-in confirmation and calm error pages move on by themselves. */
  var after = body.dataset.returnAfter || body.dataset.reloadAfter;
  if (after && home) { setTimeout(function () { goTo(home); }, parseInt(after, 10) * 1000); }

  /* Offline (the service worker's page): try the start screen again every few seconds. */
  var retry = body.dataset.retryAfter;
  if (retry) {
    setInterval(function () {
      serverAnswers().then(function (ok) { if (ok) { window.location.assign("/?reset=1"); } });
    }, parseInt(retry, 10) * 1000);
  }

  /* An enrolled tablet says it is alive about once a minute, whichever page it shows: no visitor
     data, only its device cookie (HttpOnly, so the page marks itself with data-tablet). */
  var BEAT_MS = 60000;
  if (body.dataset.tablet) {
    var csrf = document.querySelector("input[name=csrf_token]");
    var beat = function () {
      var last = parseInt(window.localStorage.getItem("kiosk-alive") || "0", 10);
      if (Date.now() - last < BEAT_MS - 5000) { return; }
      window.localStorage.setItem("kiosk-alive", String(Date.now()));
      fetch("/tablet/alive", { method: "POST", credentials: "same-origin",
                               headers: { "X-CSRFToken": csrf ? csrf.value : "" } }).catch(function () {});
    };
    beat();
    deliverKept();
    setInterval(function () { beat(); deliverKept(); }, 10000);
  }

  /* Where the browser allows one (HTTPS or localhost), the service worker shows the calm offline
     page when a navigation fails anyway. */
  if ("serviceWorker" in navigator && body.classList.contains("visitor")) {
    navigator.serviceWorker.register("/sw.js").catch(function () { /* not fatal: plain pages still work */ });
  }
})();
