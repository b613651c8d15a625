/* Kiez+ Kiosk: the few things a page cannot do without script. No framework, no inline code. */
(function () {
  "use strict";
  var body = document.body;

  /* One tap is one answer: a form sends once, however often a finger lands on it. */
  document.addEventListener("submit", function (event) {
    var form = event.target;
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
  });

  /* Idle reset: back home in the default language after a while without a touch. */
  var idleSeconds = parseInt(body.dataset.idleSeconds || "0", 10);
  var warningSeconds = parseInt(body.dataset.idleWarning || "10", 10);
  var home = body.dataset.home;
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
      var left = idleSeconds - Math.floor((Date.now() - lastTouch) / 1000);
      if (left <= 0) { window.location.assign(home); return; }
      if (notice && left <= warningSeconds) {
        notice.hidden = false;
        if (count) { count.textContent = left; }
      }
    }, 250);
  }

  /* Print buttons (the funder's report, puzzle sheets, take-home slips). */
  Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  /* The check-in confirmation and calm error pages move on by themselves. */
  var after = body.dataset.returnAfter;
  if (after) { setTimeout(function () { window.location.assign(home); }, parseInt(after, 10) * 1000); }
  var reload = body.dataset.reloadAfter;
  if (reload) { setTimeout(function () { window.location.assign(home); }, parseInt(reload, 10) * 1000); }

  /* Offline: try the start screen again every few seconds until the server answers. */
  var retry = body.dataset.retryAfter;
  if (retry) { setInterval(function () { window.location.assign("/?reset=1"); }, parseInt(retry, 10) * 1000); }

  /* The service worker shows the calm offline page when the server cannot be reached. */
  if ("serviceWorker" in navigator && body.classList.contains("visitor")) {
    navigator.serviceWorker.register("/sw.js").catch(function () { /* not fatal: plain pages still work */ });
  }
})();
