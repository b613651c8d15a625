/* The take-home slip opens the print dialog by itself (kiosk.js handles the print button). */
(function () {
  "use strict";
  if (document.querySelector("[data-auto-print]")) {
    window.addEventListener("load", function () { window.print(); });
  }
})();
