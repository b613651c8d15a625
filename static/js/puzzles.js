/* Rätsel & Basteln: solve a puzzle by touch, ask the server whether it is right, print a sheet.
   The server draws every board; this file only listens to fingers. No framework, no inline code. */
(function () {
  "use strict";

  /* Picture zoom works on every page of this part (sheets, craft pages); kiosk.js prints. */
  document.addEventListener("click", function (event) {
    var picture = event.target.closest("img[data-zoom]");
    if (picture) { picture.classList.toggle("zoomed"); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    Array.prototype.forEach.call(document.querySelectorAll(".zoomed"), function (picture) {
      picture.classList.remove("zoomed");
    });
  });

  var page = document.querySelector("[data-puzzle]");
  if (!page) { return; }
  var board = page.querySelector("[data-board]");
  var message = document.getElementById("check-message");
  var checkButton = page.querySelector('[data-action="check"]');
  var wellDone = document.getElementById("well-done");
  var csrfToken = document.querySelector('meta[name="csrf-token"]').content;
  var solved = false;

  function say(text, tone) {
    message.textContent = text;
    message.className = "check-message" + (tone ? " " + tone : "");
  }

  /* The server rebuilds the puzzle from its address and judges the answer. */
  function check(answer, afterwards) {
    fetch(page.dataset.checkUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken },
      body: JSON.stringify({ answer: answer })
    }).then(function (response) {
      if (!response.ok) { throw new Error("check failed: " + response.status); }
      return response.json();
    }).then(function (verdict) {
      say(verdict.message, verdict.solved ? "is-right" : (verdict.wrong.length ? "is-wrong" : ""));
      if (afterwards) { afterwards(verdict); }
      if (verdict.solved) { finish(); }
    }).catch(function () {
      say(page.dataset.failed, "is-wrong");
    });
  }

  function finish() {
    solved = true;
    checkButton.hidden = true;
    wellDone.hidden = false;
    document.getElementById("well-done-title").focus();
  }
  wellDone.addEventListener("click", function (event) {
    if (event.target.closest('[data-action="close-well-done"]')) { wellDone.hidden = true; }
  });

  function cellGrid(size) {
    var cells = [];
    for (var r = 0; r < size; r++) {
      cells.push([]);
      for (var c = 0; c < size; c++) {
        cells[r].push(board.querySelector('[data-r="' + r + '"][data-c="' + c + '"]'));
      }
    }
    return cells;
  }

  function markWrong(cells, wrong) {
    Array.prototype.forEach.call(board.querySelectorAll(".wrong"), function (cell) {
      cell.classList.remove("wrong");
    });
    wrong.forEach(function (pos) { cells[pos[0]][pos[1]].classList.add("wrong"); });
  }

  /* Sudoku and futoshiki: tap a cell, then a number on the pad. */
  function digitGame() {
    var size = Number(board.dataset.size);
    var cells = cellGrid(size);
    var pad = page.querySelector("[data-number-pad]");
    var selected = null;

    function value(cell) {
      if (cell.dataset.given) { return Number(cell.dataset.given); }
      return Number(cell.querySelector(".digit").textContent || 0);
    }
    function answer() {
      return cells.map(function (row) { return row.map(value); });
    }
    function select(cell) {
      if (selected) { selected.classList.remove("selected"); }
      selected = cell;
      cell.classList.add("selected");
      pad.classList.remove("is-waiting");
    }
    function enter(digit) {
      if (!selected || solved) { say(pad.dataset.pickFirst); return; }
      selected.querySelector(".digit").textContent = digit ? String(digit) : "";
      selected.classList.remove("wrong");
      say("");
      var full = answer().every(function (row) { return row.indexOf(0) === -1; });
      if (full) { check(answer(), mark); }
    }
    function mark(verdict) { markWrong(cells, verdict.wrong); }

    pad.classList.add("is-waiting");
    board.addEventListener("click", function (event) {
      var cell = event.target.closest("button.cell");
      if (cell && !solved) { select(cell); }
    });
    pad.addEventListener("click", function (event) {
      var key = event.target.closest("[data-digit]");
      if (key) { enter(Number(key.dataset.digit)); }
    });
    document.addEventListener("keydown", function (event) {
      var digit = Number(event.key);
      if (event.key === "Backspace" || event.key === "Delete") { enter(0); }
      else if (digit >= 1 && digit <= size && selected) { enter(digit); }
    });
    return { answer: answer, mark: mark };
  }

  /* Word search: tap the first and the last letter, or drag from one to the other. */
  function wordsearchGame() {
    var marks = board.querySelector(".word-marks");
    var list = page.querySelector("[data-word-list]");
    var found = [];
    var anchor = null;   /* the first letter of a two-tap selection */
    var pressed = null;  /* where the finger went down */
    var preview = null;

    function position(cell) { return [Number(cell.dataset.r), Number(cell.dataset.c)]; }
    function cellUnder(event) {
      var element = document.elementFromPoint(event.clientX, event.clientY);
      var cell = element && element.closest("[data-r]");
      return cell && board.contains(cell) ? cell : null;
    }
    function inLine(a, b) {
      var dr = b[0] - a[0], dc = b[1] - a[1];
      return dr === 0 || dc === 0 || Math.abs(dr) === Math.abs(dc);
    }
    function line(a, b, tone) {
      var drawn = [];
      [["mark-outline", 0.8], ["mark-inner", 0.66]].forEach(function (layer) {
        var stroke = document.createElementNS("http://www.w3.org/2000/svg", "line");
        stroke.setAttribute("x1", a[1] + 0.5); stroke.setAttribute("y1", a[0] + 0.5);
        stroke.setAttribute("x2", b[1] + 0.5); stroke.setAttribute("y2", b[0] + 0.5);
        stroke.setAttribute("stroke-width", layer[1]);
        stroke.setAttribute("stroke-linecap", "round");
        stroke.setAttribute("class", tone || layer[0]);
        marks.appendChild(stroke);
        drawn.push(stroke);
      });
      return drawn;
    }
    function erase(drawn) { (drawn || []).forEach(function (stroke) { stroke.remove(); }); }
    function lettersBetween(a, b) {
      var steps = Math.max(Math.abs(b[0] - a[0]), Math.abs(b[1] - a[1]));
      var dr = Math.sign(b[0] - a[0]), dc = Math.sign(b[1] - a[1]), text = "";
      for (var i = 0; i <= steps; i++) {
        text += board.querySelector('[data-r="' + (a[0] + i * dr) + '"][data-c="' + (a[1] + i * dc) + '"]').textContent.trim();
      }
      return text;
    }
    function crossOff(letters) {
      var backwards = letters.split("").reverse().join("");
      var items = list.querySelectorAll("li:not(.found)");
      for (var i = 0; i < items.length; i++) {
        if (items[i].dataset.letters === letters || items[i].dataset.letters === backwards) {
          items[i].classList.add("found");
          return;
        }
      }
    }
    function setAnchor(cell) {
      if (anchor) { anchor.classList.remove("anchor"); }
      anchor = cell;
      if (cell) { cell.classList.add("anchor"); }
    }
    function choose(a, b) {
      setAnchor(null);
      if (!inLine(a, b)) { say(list.dataset.straight, "is-wrong"); return; }
      var known = found.some(function (s) {
        return (String(s[0]) === String(a) && String(s[1]) === String(b)) ||
               (String(s[0]) === String(b) && String(s[1]) === String(a));
      });
      if (known) { return; }
      var segment = [a, b];
      var drawn = line(a, b);
      check(found.concat([segment]), function (verdict) {
        var refused = verdict.wrong.some(function (s) { return String(s) === String(segment); });
        if (refused) {
          drawn.forEach(function (stroke) { stroke.setAttribute("class", "refused"); });
          setTimeout(function () { erase(drawn); }, 900);
        } else {
          found.push(segment);
          crossOff(lettersBetween(a, b));
        }
      });
    }

    board.addEventListener("pointerdown", function (event) {
      var cell = cellUnder(event);
      if (!cell || solved) { return; }
      event.preventDefault();
      pressed = cell;
    });
    board.addEventListener("pointermove", function (event) {
      if (!pressed) { return; }
      var cell = cellUnder(event);
      erase(preview);
      preview = null;
      if (cell && cell !== pressed && inLine(position(pressed), position(cell))) {
        preview = line(position(pressed), position(cell), "selecting");
      }
    });
    board.addEventListener("pointerup", function (event) {
      if (!pressed) { return; }
      var cell = cellUnder(event) || pressed;
      var start = pressed;
      pressed = null;
      erase(preview);
      preview = null;
      if (cell !== start) { choose(position(start), position(cell)); }
      else if (!anchor) { setAnchor(cell); }
      else if (anchor === cell) { setAnchor(null); }
      else { choose(position(anchor), position(cell)); }
    });
    board.addEventListener("pointercancel", function () { pressed = null; erase(preview); preview = null; });
    /* A keyboard's Enter or Space "clicks" a letter: the same as a tap. */
    board.addEventListener("click", function (event) {
      if (event.detail !== 0) { return; }
      var cell = event.target.closest("[data-r]");
      if (!cell || solved) { return; }
      if (!anchor) { setAnchor(cell); } else if (anchor === cell) { setAnchor(null); }
      else { choose(position(anchor), position(cell)); }
    });
    return { answer: function () { return found; }, mark: function () {} };
  }

  /* Maze: trace the way with a finger, cell by cell; a wall stops the line. */
  function mazeGame() {
    var size = Number(board.dataset.size);
    var walls = board.dataset.walls.split(";").map(function (row) { return row.split(",").map(Number); });
    var way = board.querySelector(".maze-way");
    var goal = [size - 1, size - 1];
    var path = [];
    var tracing = false;
    var WALL = { "-1,0": 1, "0,1": 2, "1,0": 4, "0,-1": 8 };  /* step -> the wall it crosses */

    function same(a, b) { return a && b && a[0] === b[0] && a[1] === b[1]; }
    function cellAt(event) {
      var box = board.getBoundingClientRect();
      var unit = box.width / (size + 0.2);  /* the viewBox has a 0.1 margin on each side */
      var c = Math.floor((event.clientX - box.left) / unit - 0.1);
      var r = Math.floor((event.clientY - box.top) / unit - 0.1);
      return r >= 0 && r < size && c >= 0 && c < size ? [r, c] : null;
    }
    function open(from, to) {
      var wall = WALL[(to[0] - from[0]) + "," + (to[1] - from[1])];
      return Boolean(wall) && !(walls[from[0]][from[1]] & wall);
    }
    function indexOf(cell) {
      for (var i = 0; i < path.length; i++) { if (same(path[i], cell)) { return i; } }
      return -1;
    }
    function draw() {
      way.setAttribute("points", path.map(function (cell) {
        return (cell[1] + 0.5) + "," + (cell[0] + 0.5);
      }).join(" "));
    }
    function refuse() {
      board.classList.add("refused");
      setTimeout(function () { board.classList.remove("refused"); }, 400);
    }
    /* One step at a time towards the finger, so a fast finger cannot jump a wall. */
    function stepTowards(target) {
      for (var guard = 0; guard < size * size; guard++) {
        var last = path[path.length - 1];
        if (same(last, target)) { return; }
        var dr = Math.sign(target[0] - last[0]), dc = Math.sign(target[1] - last[1]);
        var tries = Math.abs(target[0] - last[0]) >= Math.abs(target[1] - last[1])
          ? [[dr, 0], [0, dc]] : [[0, dc], [dr, 0]];
        var next = null;
        for (var t = 0; t < tries.length; t++) {
          var candidate = [last[0] + tries[t][0], last[1] + tries[t][1]];
          if ((tries[t][0] || tries[t][1]) && open(last, candidate)) { next = candidate; break; }
        }
        if (!next) { refuse(); return; }
        var seen = indexOf(next);
        if (seen >= 0) { path = path.slice(0, seen + 1); } else { path.push(next); }
        draw();
        if (same(next, goal)) { done(); return; }
      }
    }
    function begin(cell) {
      var seen = indexOf(cell);
      if (seen >= 0) { path = path.slice(0, seen + 1); }
      else if (!path.length && same(cell, [0, 0])) { path = [cell]; }
      else if (path.length && open(path[path.length - 1], cell)) { path.push(cell); }
      else { say(board.dataset.startHint); return false; }
      say("");
      draw();
      return true;
    }
    function done() {
      tracing = false;
      check(path, mark);
    }
    function mark(verdict) { if (verdict.wrong.length) { refuse(); } }

    board.addEventListener("pointerdown", function (event) {
      var cell = cellAt(event);
      if (!cell || solved) { return; }
      event.preventDefault();
      tracing = begin(cell);
      if (tracing && board.setPointerCapture) { board.setPointerCapture(event.pointerId); }
    });
    board.addEventListener("pointermove", function (event) {
      if (!tracing || solved) { return; }
      var cell = cellAt(event);
      if (cell) { stepTowards(cell); }
    });
    ["pointerup", "pointercancel"].forEach(function (type) {
      board.addEventListener(type, function () { tracing = false; });
    });
    /* Arrow keys walk the same way, for a keyboard. */
    var ARROWS = { ArrowUp: [-1, 0], ArrowRight: [0, 1], ArrowDown: [1, 0], ArrowLeft: [0, -1] };
    board.addEventListener("keydown", function (event) {
      var step = ARROWS[event.key];
      if (!step || solved) { return; }
      event.preventDefault();
      if (!path.length) { path = [[0, 0]]; draw(); }
      var last = path[path.length - 1];
      var next = [last[0] + step[0], last[1] + step[1]];
      if (!open(last, next)) { refuse(); return; }
      stepTowards(next);
    });
    return { answer: function () { return path; }, mark: mark };
  }

  /* Nonogram: each tap moves a cell on: painted, marked free, blank again. */
  function nonogramGame() {
    var size = Number(board.dataset.size);
    var cells = cellGrid(size);
    var toPaint = Number(board.dataset.filled);
    var STATES = ["", "filled", "marked"];

    function state(cell) { return cell.classList.contains("filled") ? 1 : cell.classList.contains("marked") ? 2 : 0; }
    function answer() { return cells.map(function (row) { return row.map(state); }); }
    function mark(verdict) { markWrong(cells, verdict.wrong); }

    board.addEventListener("click", function (event) {
      var cell = event.target.closest("button.cell");
      if (!cell || solved) { return; }
      var next = (state(cell) + 1) % STATES.length;
      cell.classList.remove("filled", "marked", "wrong");
      if (STATES[next]) { cell.classList.add(STATES[next]); }
      cell.querySelector(".state").textContent =
        next === 1 ? board.dataset.labelFilled : next === 2 ? board.dataset.labelMarked : "";
      say("");
      if (board.querySelectorAll(".filled").length === toPaint) { check(answer(), mark); }
    });
    return { answer: answer, mark: mark };
  }

  var games = { digits: digitGame, wordsearch: wordsearchGame, maze: mazeGame, nonogram: nonogramGame };
  var game = games[board.dataset.board]();
  checkButton.hidden = false;
  checkButton.addEventListener("click", function () { check(game.answer(), game.mark); });
})();
