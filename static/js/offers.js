/* The take-home slip: open the print dialog once the page is there, and on the print button. */
(function () {
  "use strict";
  var print = function () { window.print(); };
  Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
    button.addEventListener("click", print);
  });
  if (document.querySelector("[data-auto-print]")) { window.addEventListener("load", print); }
})();
