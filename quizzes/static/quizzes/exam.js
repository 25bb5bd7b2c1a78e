// The candidate's exam page: lobby, paper and result, drawn from the server's
// frames (docs/protocol.md). No framework, no build step.
//
// Answers never get lost: each one gets the next sequence number and is kept in
// localStorage until the server acknowledges it (the ack comes only after the
// answer is saved). After a reconnect every unacknowledged answer is sent again;
// the server ignores a number it has already saved, so nothing counts twice.
// Time comes from the server's clock (the offset measured from server_time).
// When the WebSocket cannot connect, the same messages go over the HTTP API.
(function () {
  "use strict";
  var root = document.getElementById("exam-root");
  var box = document.getElementById("exam");
  if (!root || !box) { return; }
  var gettext = window.gettext || function (s) { return s; };
  var ngettext = window.ngettext || function (s, p, n) { return n === 1 ? s : p; };
  var interpolate = window.interpolate || function (fmt, obj) {
    return fmt.replace(/%\((\w+)\)s/g, function (_m, k) { return String(obj[k]); });
  };
  var config = box.dataset;
  var device = config.device || "";
  var LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  var PING_EVERY = 25000;
  var FALLBACK_AFTER = 3; // failed socket opens before the HTTP API takes over

  var screen = null;      // the last lobby/state/result frame
  var offset = 0;         // server clock minus this device's clock (ms)
  var current = 0;        // index of the question shown
  var socket = null;
  var socketOpen = false;
  var failures = 0;       // consecutive socket opens that failed
  var everOpened = false;
  var retryTimer = null;
  var pingTimer = null;
  var tickTimer = null;
  var useHttp = !window.WebSocket;
  var stopped = false;    // taken over or logged out: no reconnecting
  var claimed = false;    // HTTP mode: this device has opened the paper
  var away = false;       // the page is left (one focus frame per leaving)
  var errors = {};        // position -> message of a refused answer
  var notices = [];
  var noticesShown = {};  // "at|text" of the proctor's notices already in `notices`

  // --- storage: per attempt, the answers not yet acknowledged ----------------

  function storeKey(name) { return "pufa.exam." + (screen && screen.attempt) + "." + name; }
  function load(name, fallback) {
    try { return JSON.parse(localStorage.getItem(storeKey(name))) || fallback; } catch (e) { return fallback; }
  }
  function save(name, value) {
    try { localStorage.setItem(storeKey(name), JSON.stringify(value)); } catch (e) { /* private mode */ }
  }
  function pending() { return load("pending", {}); }        // position -> {choice, seq}
  function lastSeq() { return load("seq", 0); }
  function nextSeq() {
    var seq = Math.max(lastSeq(), (screen && screen.last_seq) || 0) + 1;
    save("seq", seq);
    return seq;
  }

  // --- the server's clock ------------------------------------------------------

  function now() { return Date.now() + offset; }
  function learnClock(serverTime, sentAt) {
    if (typeof serverTime !== "number") { return; }
    var received = Date.now();
    var local = sentAt ? (sentAt + received) / 2 : received;
    offset = serverTime - local;
  }
  function clock(ms) {
    var seconds = Math.max(0, Math.floor(ms / 1000));
    var h = Math.floor(seconds / 3600), m = Math.floor(seconds % 3600 / 60), s = seconds % 60;
    var two = function (n) { return (n < 10 ? "0" : "") + n; };
    return (h ? h + ":" + two(m) : String(m)) + ":" + two(s);
  }
  // Times are shown in China Standard Time whatever the device's zone.
  var CST = 8 * 3600000;
  function localTime(ms) {
    var d = new Date(ms + CST);
    var two = function (n) { return (n < 10 ? "0" : "") + n; };
    return d.getUTCFullYear() + "-" + two(d.getUTCMonth() + 1) + "-" + two(d.getUTCDate()) + " " +
      two(d.getUTCHours()) + ":" + two(d.getUTCMinutes());
  }

  // --- drawing -----------------------------------------------------------------

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === null || value === undefined || value === false) { return; }
      if (name === "text") { node.textContent = value; }
      else if (name === "className") { node.className = value; }
      else if (name.slice(0, 2) === "on") { node.addEventListener(name.slice(2), value); }
      else { node.setAttribute(name, value === true ? "" : value); }
    });
    (children || []).forEach(function (child) {
      if (child) { node.appendChild(typeof child === "string" ? document.createTextNode(child) : child); }
    });
    return node;
  }

  function banner() {
    var parts = [];
    if (!socketOpen && !useHttp && screen && screen.type === "state") {
      parts.push(el("p", { className: "exam-alert exam-alert--offline", role: "status",
        text: gettext("Connection lost. Your answers are kept on this device and will be sent when it is back.") }));
    }
    if (useHttp) {
      parts.push(el("p", { className: "exam-alert", role: "status",
        text: gettext("Live connection unavailable: answers are sent over the normal connection.") }));
    }
    notices.forEach(function (text) {
      parts.push(el("p", { className: "exam-alert exam-alert--notice", role: "alert" }, [
        el("strong", { text: gettext("Notice from the proctor:") + " " }), text]));
    });
    return el("div", { id: "exam-banner" }, parts);
  }

  function render() {
    root.textContent = "";
    root.appendChild(banner());
    if (!screen) { return; }
    if (screen.type === "lobby") { root.appendChild(drawLobby(screen)); }
    else if (screen.type === "state") { root.appendChild(drawPaper(screen)); }
    else if (screen.type === "result") { root.appendChild(drawResult(screen)); }
    tick();
  }

  function lobbyWaiting(lobby) {
    if (lobby.waiting === "not_open" && lobby.sitting.status === "open" &&
        now() >= lobby.sitting.opens_at && now() < lobby.sitting.closes_at && lobby.attempts_left > 0) {
      return "";
    }
    return lobby.waiting;
  }

  function drawLobby(lobby) {
    var waiting = lobbyWaiting(lobby);
    var reasons = {
      not_open: gettext("The exam has not started yet. This page updates by itself when the proctor opens it."),
      closed: gettext("The exam is over."),
      no_attempts_left: gettext("You have no attempts left.")
    };
    var facts = el("dl", { className: "exam-facts" }, [
      el("dt", { text: gettext("Exam window") }),
      el("dd", { text: localTime(lobby.sitting.opens_at) + " – " + localTime(lobby.sitting.closes_at) }),
      el("dt", { text: gettext("Time to answer") }),
      el("dd", { text: interpolate(ngettext("%(n)s minute", "%(n)s minutes", lobby.sitting.duration_minutes), { n: lobby.sitting.duration_minutes }, true) }),
      el("dt", { text: gettext("Attempts left") }),
      el("dd", { text: lobby.attempts_left + " / " + lobby.attempts_allowed })
    ]);
    var children = [el("h1", { text: lobby.sitting.name }), facts];
    if (waiting === "not_open" && now() < lobby.sitting.opens_at) {
      children.push(el("p", { className: "exam-countdown", id: "exam-opens-in" }));
    }
    if (waiting) {
      children.push(el("p", { className: "exam-alert", role: "status", text: reasons[waiting] || "" }));
    }
    children.push(el("button", {
      type: "button", className: "button exam-button exam-button--wide", id: "exam-start",
      disabled: !!waiting, text: gettext("Start the exam"), onclick: startExam
    }));
    children.push(el("p", { className: "muted", text: gettext("The time starts when you press the button. Leaving this page during the exam is recorded.") }));
    return el("section", { className: "card exam-lobby", "aria-labelledby": "exam-lobby-title" }, children);
  }

  function questions() { return screen.paper.questions; }
  function chosen(position) {
    var waiting = pending()[position];
    if (waiting) { return waiting.choice; }
    return (screen.answers || {})[position] || [];
  }
  function questionState(position) {
    if (errors[position]) { return "refused"; }
    if (pending()[position]) { return "pending"; }
    return chosen(position).length ? "saved" : "empty";
  }
  function answeredCount() {
    return questions().filter(function (q) { return chosen(q.position).length > 0; }).length;
  }

  var KIND_NAMES = {
    single: gettext("Single choice"), multiple: gettext("Multiple choice"), true_false: gettext("True or false")
  };
  var STATE_TEXT = {
    saved: gettext("Saved"), pending: gettext("Waiting to be sent"), refused: gettext("Not saved"), empty: gettext("Not answered")
  };

  function drawPaper(state) {
    var list = questions();
    current = Math.min(current, list.length - 1);
    var q = list[current];
    var status = el("div", { className: "exam-status", role: "group", "aria-label": gettext("Progress") }, [
      el("p", { className: "exam-timer" }, [
        el("span", { text: gettext("Time left") + " " }),
        el("strong", { id: "exam-time-left", "aria-live": "off" })
      ]),
      el("p", { className: "exam-answered", id: "exam-answered", "aria-live": "polite",
        text: interpolate(gettext("Answered %(done)s of %(total)s"), { done: answeredCount(), total: list.length }, true) })
    ]);
    if (state.focus_loss_limit) {
      status.appendChild(el("p", { className: "exam-focus muted", text: interpolate(
        gettext("Left the page %(n)s times (limit %(limit)s)"), { n: state.focus_losses, limit: state.focus_loss_limit }, true) }));
    }
    var multiple = q.kind === "multiple";
    var mine = chosen(q.position);
    var options = q.options.map(function (text, index) {
      return el("label", { className: "exam-option" + (mine.indexOf(index) >= 0 ? " exam-option--chosen" : "") }, [
        el("input", {
          type: multiple ? "checkbox" : "radio", name: "question-" + q.position, value: String(index),
          checked: mine.indexOf(index) >= 0, onchange: function () { choose(q, index, this.checked); }
        }),
        el("span", { className: "exam-option__letter", text: LETTERS[index] + "." }),
        el("span", { className: "exam-option__text", text: text })
      ]);
    });
    var qState = questionState(q.position);
    var article = el("article", { className: "exam-question", "aria-labelledby": "exam-stem" }, [
      el("p", { className: "exam-question__meta" }, [
        el("span", { className: "exam-question__kind", text: KIND_NAMES[q.kind] || q.kind }),
        el("span", { text: interpolate(gettext("%(points)s points"), { points: q.points }, true) }),
        el("span", { className: "exam-save exam-save--" + qState, id: "exam-save-state", role: "status",
          text: STATE_TEXT[qState] + (errors[q.position] ? ": " + errors[q.position] : "") })
      ]),
      el("fieldset", { className: "exam-question__options" }, [
        el("legend", { className: "exam-question__stem", id: "exam-stem", tabindex: "-1", text: q.position + ". " + q.stem })
      ].concat(options))
    ]);
    var nav = el("div", { className: "exam-nav" }, [
      el("button", { type: "button", className: "button button--secondary exam-button", disabled: current === 0,
        text: gettext("Previous"), onclick: function () { go(current - 1); } }),
      current < list.length - 1
        ? el("button", { type: "button", className: "button exam-button", text: gettext("Next"),
            onclick: function () { go(current + 1); } })
        : el("button", { type: "button", className: "button exam-button", text: gettext("Submit the paper"),
            onclick: confirmSubmit })
    ]);
    var grid = el("nav", { className: "exam-grid", "aria-label": gettext("Questions") }, list.map(function (item, index) {
      var s = questionState(item.position);
      return el("button", {
        type: "button", className: "exam-grid__item exam-grid__item--" + s + (index === current ? " exam-grid__item--current" : ""),
        "aria-current": index === current ? "true" : null,
        "aria-label": interpolate(gettext("Question %(n)s: %(state)s"), { n: item.position, state: STATE_TEXT[s] }, true),
        text: String(item.position), onclick: function () { go(index); }
      });
    }));
    var submit = el("button", { type: "button", className: "button button--secondary exam-button exam-button--wide",
      id: "exam-submit", text: gettext("Submit the paper"), onclick: confirmSubmit });
    return el("section", { className: "exam-paper" }, [status, article, nav, grid, submit]);
  }

  function go(index) {
    current = index;
    render();
    var stem = document.getElementById("exam-stem");
    if (stem) { stem.focus(); }
  }

  // [1, 3, 4, 5, 9] -> "1、3–5、9"
  function ranges(numbers) {
    var parts = [];
    numbers.forEach(function (n, i) {
      if (i && n === numbers[i - 1] + 1) { parts[parts.length - 1][1] = n; } else { parts.push([n, n]); }
    });
    return parts.map(function (p) {
      return p[0] === p[1] ? String(p[0]) : p[0] + (p[1] === p[0] + 1 ? "、" : "–") + p[1];
    }).join("、");
  }

  function confirmSubmit() {
    var missing = questions().filter(function (q) { return !chosen(q.position).length; })
      .map(function (q) { return q.position; });
    var waiting = Object.keys(pending()).length;
    var dialog = el("div", { className: "exam-confirm card", role: "alertdialog", "aria-modal": "true",
      "aria-labelledby": "exam-confirm-title", id: "exam-confirm" }, [
      el("h2", { id: "exam-confirm-title", text: gettext("Submit the paper?") }),
      el("p", { text: missing.length
        ? interpolate(gettext("Not answered: questions %(list)s."), { list: ranges(missing) }, true)
        : gettext("You have answered every question.") }),
      waiting ? el("p", { className: "exam-alert", text: gettext("Some answers are still being sent; they are sent before the paper is submitted.") }) : null,
      el("p", { text: gettext("After submitting you cannot change your answers.") }),
      el("div", { className: "exam-nav" }, [
        el("button", { type: "button", className: "button button--secondary exam-button", text: gettext("Keep answering"),
          onclick: function () { render(); } }),
        el("button", { type: "button", className: "button exam-button", id: "exam-confirm-submit",
          text: gettext("Submit"), onclick: submitPaper })
      ])
    ]);
    root.textContent = "";
    root.appendChild(banner());
    root.appendChild(dialog);
    dialog.querySelector("button").focus();
  }

  function drawResult(result) {
    var children = [el("h1", { text: gettext("Your result") })];
    var by = {
      candidate: gettext("You submitted the paper."), deadline: gettext("The time was up: the paper was submitted."),
      proctor: gettext("The proctor submitted the paper."), focus_limit: gettext("The paper was submitted because the page was left too often.")
    };
    if (by[result.submitted_by]) { children.push(el("p", { text: by[result.submitted_by] })); }
    if (result.score !== null && result.score !== undefined) {
      children.push(el("dl", { className: "exam-facts exam-score" }, [
        el("dt", { text: gettext("Score") }), el("dd", { id: "exam-score", text: result.score + " / " + result.total }),
        el("dt", { text: gettext("Pass mark") }), el("dd", { text: result.pass_mark }),
        el("dt", { text: gettext("Result") }), el("dd", { className: result.passed ? "exam-pass" : "exam-fail",
          text: result.passed ? gettext("Passed") : gettext("Not passed") }),
        result.band ? el("dt", { text: gettext("Grade") }) : null,
        result.band ? el("dd", { text: result.band }) : null
      ]));
      if (config.certificate) {
        children.push(el("p", {}, [el("a", { id: "exam-certificate", className: "button exam-button exam-button--wide",
          href: config.certificate, target: "_blank", rel: "noopener",
          text: gettext("Download the score certificate (PDF)") })]));
      }
    } else {
      children.push(el("p", { className: "exam-alert", text: gettext("Your paper is in. The score will be shown when the organisers release it.") }));
    }
    (result.questions || []).forEach(function (q) {
      var key = q.key || [];
      var opts = q.options.map(function (text, index) {
        var mine = q.choice.indexOf(index) >= 0, right = key.indexOf(index) >= 0;
        return el("li", { className: "exam-option" + (right ? " exam-option--correct" : "") + (mine ? " exam-option--chosen" : "") }, [
          el("span", { className: "exam-option__letter", text: LETTERS[index] + "." }),
          el("span", { className: "exam-option__text", text: text }),
          mine ? el("strong", { text: gettext("Your answer") }) : null,
          right ? el("strong", { className: "exam-option__key", text: gettext("Right answer") }) : null
        ]);
      });
      var parts = [
        el("p", { className: "exam-question__meta" }, [
          "correct" in q ? el("span", { className: q.correct ? "exam-pass" : "exam-fail",
            text: q.correct ? gettext("Right") : gettext("Wrong") }) : null,
          "points" in q ? el("span", { text: interpolate(gettext("%(points)s points"), { points: q.points }, true) }) : null
        ]),
        el("p", { className: "exam-question__stem", text: q.position + ". " + q.stem }),
        el("ul", { className: "exam-result-options" }, opts)
      ];
      if (q.explanation !== undefined) {
        parts.push(el("h3", { text: gettext("Explanation") }), el("p", { text: q.explanation || "—" }));
        (q.articles || []).forEach(function (article) {
          parts.push(el("p", {}, [el("a", { href: article.url, text: article.label })]));
          (article.episodes || []).forEach(function (episode) {
            parts.push(el("p", { className: "muted" }, [gettext("Case explanation:") + " ", el("a", { href: episode.url, text: episode.title })]));
          });
        });
      }
      children.push(el("article", { className: "exam-question" }, parts));
    });
    if (result.retake) {
      children.push(el("button", { type: "button", className: "button exam-button exam-button--wide",
        text: gettext("Take it again"), onclick: startExam }));
    }
    return el("section", { className: "exam-result" }, children);
  }

  function tick() {
    var left = document.getElementById("exam-time-left");
    if (left && screen && screen.type === "state") {
      var ms = screen.deadline - now();
      left.textContent = ms > 0 ? clock(ms) : gettext("Time is up");
      left.parentNode.classList.toggle("exam-timer--low", ms < 5 * 60000);
      if (ms <= 0) { document.querySelectorAll(".exam-paper input").forEach(function (i) { i.disabled = true; }); }
    }
    var opens = document.getElementById("exam-opens-in");
    if (opens && screen && screen.type === "lobby") {
      var wait = screen.sitting.opens_at - now();
      if (wait > 0) {
        opens.textContent = interpolate(gettext("Opens in %(time)s"), { time: clock(wait) }, true);
      } else { render(); }
    }
  }

  // --- frames from the server ----------------------------------------------------

  function show(frame) {
    if (frame.type === "state") {
      if (!screen || screen.attempt !== frame.attempt) { current = 0; errors = {}; }
      screen = frame;
      learnClock(frame.server_time);
      dropSaved();
      (frame.notices || []).forEach(proctorNotice);
    } else {
      screen = frame;
      if (frame.server_time) { learnClock(frame.server_time); }
    }
    render();
    if (frame.type === "state") { flush(); }
  }

  // Pending answers the state already holds (saved with that seq or a newer one).
  function dropSaved() {
    var waiting = pending(), changed = false;
    Object.keys(waiting).forEach(function (position) {
      if (waiting[position].seq <= (screen.last_seq || 0) && sameChoice(screen.answers[position], waiting[position].choice)) {
        delete waiting[position]; changed = true;
      }
    });
    if (changed) { save("pending", waiting); }
  }
  function sameChoice(a, b) { return JSON.stringify(a || []) === JSON.stringify(b || []); }

  function receive(frame) {
    switch (frame.type) {
      case "lobby": case "state": case "result": show(frame); break;
      case "ack": acknowledged(frame); break;
      case "error": refused(frame); break;
      case "pong": learnClock(frame.server_time, frame.id); break;
      case "notice": proctorNotice(frame); render(); break;
      case "deadline": if (screen && screen.type === "state") { screen.deadline = frame.deadline; render(); } break;
      case "submitted": if (screen && screen.type === "state") { screen.submitted = frame.by; } break;
      case "warning":
        screen.focus_losses = frame.focus_losses;
        notices.push(gettext("Warning: if you leave this page once more, your paper will be submitted."));
        render(); break;
      case "focus_noted": if (screen && screen.type === "state") { screen.focus_losses = frame.focus_losses; render(); } break;
      case "takeover": takenOver(); break;
    }
  }

  // A notice arrives live, or in a state frame for a page that was away
  // (reconnected, or polling over HTTP): shown once either way.
  function proctorNotice(frame) {
    var key = frame.at + "|" + frame.text;
    if (!noticesShown[key]) { noticesShown[key] = true; notices.push(frame.text); }
  }

  function acknowledged(frame) {
    var waiting = pending();
    var entry = waiting[frame.position];
    if (entry && entry.seq === frame.seq) {
      delete waiting[frame.position];
      save("pending", waiting);
      screen.answers[frame.position] = entry.choice;
      delete errors[frame.position];
      if (entry.seq > (screen.last_seq || 0)) { screen.last_seq = entry.seq; }
      updateMarks();
    }
  }

  function refused(frame) {
    if (frame.code === "not_logged_in") { stopped = true; window.location.href = "/exam/"; return; }
    if (frame.code === "taken_over") { takenOver(); return; }
    if (typeof frame.seq === "number" && screen && screen.type === "state") {
      var waiting = pending();
      Object.keys(waiting).forEach(function (position) {
        if (waiting[position].seq === frame.seq) {
          delete waiting[position];
          errors[position] = frame.message;
        }
      });
      save("pending", waiting);
      render();
      return;
    }
    notices.push(frame.message);
    render();
  }

  // Light update after an ack: the state marks, without redrawing the question.
  function updateMarks() {
    var q = questions()[current];
    var label = document.getElementById("exam-save-state");
    if (label && q) {
      var s = questionState(q.position);
      label.className = "exam-save exam-save--" + s;
      label.textContent = STATE_TEXT[s];
    }
    var grid = document.querySelectorAll(".exam-grid__item");
    questions().forEach(function (item, index) {
      if (!grid[index]) { return; }
      var s = questionState(item.position);
      grid[index].className = "exam-grid__item exam-grid__item--" + s + (index === current ? " exam-grid__item--current" : "");
    });
    var count = document.getElementById("exam-answered");
    if (count) {
      count.textContent = interpolate(gettext("Answered %(done)s of %(total)s"), { done: answeredCount(), total: questions().length }, true);
    }
  }

  function takenOver() {
    stopped = true;
    closeSocket();
    root.textContent = "";
    root.appendChild(el("section", { className: "card exam-takeover", role: "alert" }, [
      el("h1", { text: gettext("Your paper was opened on another device") }),
      el("p", { text: gettext("Answer on the other device. If that was not you, tell the proctor at once.") }),
      el("button", { type: "button", className: "button exam-button exam-button--wide", text: gettext("Continue on this device"),
        onclick: function () { stopped = false; failures = 0; connect(); } })
    ]));
  }

  // --- messages to the server ---------------------------------------------------

  function choose(q, index, on) {
    var mine = chosen(q.position).slice();
    if (q.kind === "multiple") {
      mine = mine.filter(function (i) { return i !== index; });
      if (on) { mine.push(index); }
      mine.sort(function (a, b) { return a - b; });
    } else {
      mine = [index];
    }
    var waiting = pending();
    var seq = nextSeq();
    waiting[q.position] = { choice: mine, seq: seq };
    save("pending", waiting);
    delete errors[q.position];
    render();
    var input = root.querySelector('input[name="question-' + q.position + '"][value="' + index + '"]');
    if (input) { input.focus(); }
    sendAnswer(q.position, waiting[q.position]);
  }

  function sendAnswer(position, entry) {
    var frame = { type: "answer", position: Number(position), choice: entry.choice, seq: entry.seq };
    if (useHttp) { post("answer", frame); return; }
    if (socketOpen) { socket.send(JSON.stringify(frame)); }
  }

  // Every answer not yet acknowledged, oldest first (after a reconnect).
  function flush() {
    var waiting = pending();
    Object.keys(waiting).map(function (position) { return [position, waiting[position]]; })
      .sort(function (a, b) { return a[1].seq - b[1].seq; })
      .forEach(function (item) { sendAnswer(item[0], item[1]); });
    flushLeavings();
  }

  // Leavings of the page (防切屏) are kept until sent, as answers are: leaving
  // the page while offline is reported when the page is back. The server counts
  // a report once by its device time, so sending one twice is harmless.
  function flushLeavings() {
    var reports = load("focus", []);
    if (!reports.length) { return; }
    if (useHttp) {
      reports.forEach(function (report) {
        post("focus", report).then(function (delivered) {
          if (delivered) {
            save("focus", load("focus", []).filter(function (r) { return r.at !== report.at; }));
          }
        });
      });
    } else if (socketOpen) {
      reports.forEach(function (report) { socket.send(JSON.stringify(report)); });
      save("focus", []);
    }
  }

  function send(frame) {
    if (useHttp) {
      var name = { start: "start", submit: "submit" }[frame.type];
      post(name, frame);
    } else if (socketOpen) {
      socket.send(JSON.stringify(frame));
    }
  }

  function startExam() { send({ type: "start" }); }

  function submitPaper() {
    flush();
    send({ type: "submit" });
    var button = document.getElementById("exam-confirm-submit");
    if (button) { button.disabled = true; button.textContent = gettext("Submitting…"); }
  }

  function left(kind) {
    if (away || !screen || screen.type !== "state") { return; }
    away = true;
    save("focus", load("focus", []).concat([{ type: "focus", kind: kind, at: Date.now() }]));
    flushLeavings();
  }

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) { left("hidden"); } else { away = false; }
  });
  window.addEventListener("blur", function () { left(document.hidden ? "hidden" : "blur"); });
  window.addEventListener("focus", function () { away = false; });

  // --- the socket, and the HTTP fallback ----------------------------------------

  function socketUrl() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    return scheme + window.location.host + config.socket + "?device=" + encodeURIComponent(device);
  }

  function connect() {
    if (stopped || useHttp) { return; }
    clearTimeout(retryTimer);
    var ws;
    try { ws = new WebSocket(socketUrl()); } catch (e) { failed(); return; }
    socket = ws;
    ws.onopen = function () {
      socketOpen = true; everOpened = true; failures = 0;
      clearInterval(pingTimer);
      pingTimer = setInterval(function () {
        if (socketOpen) { ws.send(JSON.stringify({ type: "ping", id: Date.now() })); }
      }, PING_EVERY);
    };
    ws.onmessage = function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      receive(frame);
    };
    ws.onclose = function (event) {
      var wasOpen = socketOpen;
      socketOpen = false;
      clearInterval(pingTimer);
      if (socket !== ws) { return; }
      socket = null;
      if (event.code === 4409) { takenOver(); return; }
      if (event.code === 4401) { stopped = true; window.location.href = "/exam/"; return; }
      if (!wasOpen) { failed(); } else { render(); retry(); }
    };
  }

  function failed() {
    failures += 1;
    if (!everOpened && failures >= FALLBACK_AFTER) { startHttp(); return; }
    render();
    retry();
  }

  // Exponential backoff with jitter: 1 s, 2 s, 4 s … at most 30 s.
  function retry() {
    if (stopped) { return; }
    var delay = Math.min(30000, 1000 * Math.pow(2, Math.min(failures, 5))) * (0.75 + Math.random() / 2);
    retryTimer = setTimeout(connect, delay);
  }

  function closeSocket() {
    if (socket) { var ws = socket; socket = null; socketOpen = false; ws.close(); }
  }

  window.addEventListener("offline", function () { closeSocket(); render(); });
  window.addEventListener("online", function () {
    failures = 0;
    if (useHttp) { flush(); } else if (!socket) { connect(); }
  });

  function post(name, frame) {
    if (name === "start") { claimed = true; }
    var body = Object.assign({}, frame);
    delete body.type;
    return fetch(config["api" + name.charAt(0).toUpperCase() + name.slice(1)], {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": config.csrf },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(receive).then(function () { return true; });
    }).catch(function () {
      render(); // offline: the answer stays pending and is sent again later
      return false;
    });
  }

  function startHttp() {
    useHttp = true;
    closeSocket();
    render();
    poll();
    setInterval(poll, 15000);
  }

  function poll() {
    fetch(config.apiState, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (frame) {
        if (frame.type === "state" && !claimed) {
          claimed = true;
          post("start", { type: "start" }); // resume: this device holds the paper
        } else { receive(frame); }
        flush();
      })
      .catch(function () { render(); });
  }

  var first = document.getElementById("exam-first-frame");
  if (first) { try { show(JSON.parse(first.textContent)); } catch (e) { /* drawn when the socket answers */ } }
  tickTimer = setInterval(tick, 1000);
  if (useHttp) { startHttp(); } else { connect(); }
}());
