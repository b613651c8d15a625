/* Read aloud: a speaker button reads a part of the page in the visitor's language with the
   tablet's own speech (speechSynthesis). Nothing is sent anywhere: the browser speaks locally.

   A button (templates/visitor/_speak.html) names the element it reads in data-speak. It stays
   hidden unless the device has a voice for the page's language. A second tap stops; leaving the
   page stops. Text staff did not translate is marked lang="de" and is read by a German voice,
   or left out when the tablet has none (an Arabic voice cannot read German). */
(function () {
  "use strict";
  var synth = window.speechSynthesis;
  var buttons = document.querySelectorAll("[data-speak]");
  if (!synth || !window.SpeechSynthesisUtterance || !buttons.length) { return; }

  var BLOCKS = /^(P|LI|DT|DD|H1|H2|H3|H4|DIV|SECTION|BUTTON|A|FIGCAPTION|LABEL)$/;
  var SKIP = /^(SCRIPT|STYLE|SVG|TEMPLATE|INPUT|SELECT|TEXTAREA|FIGURE)$/;
  var active = null;

  function baseLanguage(tag) { return (tag || "").toLowerCase().split(/[-_]/)[0]; }

  function voiceFor(lang) {
    var voices = synth.getVoices() || [];
    for (var i = 0; i < voices.length; i++) {
      if (baseLanguage(voices[i].lang) === lang) { return voices[i]; }
    }
    return null;
  }

  /* The text of an element in reading order as [{text, lang}], the way a screen reader names it:
     a label where an element has one, nothing hidden, a pause after each block. */
  function collect(node, lang, out) {
    if (node.nodeType === Node.TEXT_NODE) {
      out.push({ text: node.nodeValue, lang: lang });
      return;
    }
    if (node.nodeType !== Node.ELEMENT_NODE || SKIP.test(node.tagName) || node.hidden
        || node.getAttribute("aria-hidden") === "true" || node.hasAttribute("data-speak")
        || node.classList.contains("visually-hidden")) { return; }
    var own = baseLanguage(node.getAttribute("lang")) || lang;
    var label = node.getAttribute("aria-label");
    if (label) {
      out.push({ text: label, lang: own });
    } else {
      for (var child = node.firstChild; child; child = child.nextSibling) { collect(child, own, out); }
    }
    if (BLOCKS.test(node.tagName)) { out.push({ pause: true, lang: own }); }
  }

  /* Runs of one language, each ending in a full stop where a block ended without one. */
  function passages(element) {
    var pageLang = baseLanguage(document.documentElement.lang);
    var parts = [], runs = [];
    collect(element, baseLanguage(element.closest("[lang]").getAttribute("lang")) || pageLang, parts);
    parts.forEach(function (part) {
      var last = runs[runs.length - 1];
      if (part.pause) {
        if (last && last.text.trim() && !/[.!?:;]$/.test(last.text.trim())) { last.text = last.text.trim() + ". "; }
        return;
      }
      if (last && last.lang === part.lang) { last.text += part.text; } else { runs.push({ text: part.text, lang: part.lang }); }
    });
    return runs.map(function (run) { return { text: run.text.replace(/\s+/g, " ").trim(), lang: run.lang }; })
      .filter(function (run) { return /[^\s.]/.test(run.text) && voiceFor(run.lang); });
  }

  function stop() {
    if (active) { active.setAttribute("aria-pressed", "false"); }
    active = null;
    synth.cancel();
  }

  function read(button) {
    var target = document.getElementById(button.getAttribute("data-speak"));
    if (!target) { return; }
    stop();
    var runs = passages(target);
    if (!runs.length) { return; }
    active = button;
    button.setAttribute("aria-pressed", "true");
    runs.forEach(function (run, index) {
      var utterance = new SpeechSynthesisUtterance(run.text);
      utterance.lang = run.lang;
      utterance.voice = voiceFor(run.lang);
      utterance.rate = 0.9;  /* a little slower: many listeners are learning the language */
      if (index === runs.length - 1) {
        utterance.onend = function () { if (active === button) { stop(); } };
      }
      synth.speak(utterance);
    });
  }

  function showButtons() {
    var available = !!voiceFor(baseLanguage(document.documentElement.lang));
    Array.prototype.forEach.call(buttons, function (button) { button.hidden = !available; });
  }

  Array.prototype.forEach.call(buttons, function (button) {
    button.addEventListener("click", function () {
      if (active === button) { stop(); } else { read(button); }
    });
  });
  showButtons();
  if (synth.addEventListener) { synth.addEventListener("voiceschanged", showButtons); }
  window.addEventListener("pagehide", stop);
  document.addEventListener("visibilitychange", function () { if (document.hidden) { stop(); } });
  synth.cancel();  /* nothing left over from the page before */
})();
