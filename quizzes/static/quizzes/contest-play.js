/* A player's phone: joins the contest's socket and shows one screen at a time.
   Protocol: docs/protocol.md, "Contest". */
(function () {
  "use strict";
  var C = window.pufaContest;
  var root = document.getElementById("contest-play");
  if (!root || !C) { return; }
  var t = C.texts("contest-texts");
  var $ = function (id) { return document.getElementById(id); };
  var screens = {
    wait: $("screen-wait"), question: $("screen-question"), answered: $("screen-answered"),
    result: $("screen-result"), ended: $("screen-ended")
  };
  var current = null;   // the open question frame
  var chosen = [];
  var sending = false;
  var connection;
  var countdown;

  function message(text) {
    var box = $("contest-message");
    box.textContent = text || "";
    box.hidden = !text;
  }

  function letters(choice) {
    var all = current ? current.letters : "ABCDEFGH";
    return choice.map(function (i) { return all.charAt(i); }).join("");
  }

  function setScore(score) { if (score != null) { $("me-score").textContent = score; } }

  function renderQuestion(frame, answered) {
    current = frame;
    chosen = [];
    sending = false;
    message("");
    if (answered) { showAnswered(answered); return; }
    $("q-number").textContent = t("question", { n: frame.question, total: frame.total });
    $("q-kind").textContent = t(frame.kind === "multiple" ? "multiple" :
      frame.kind === "true_false" ? "trueFalse" : "single");
    $("q-stem").textContent = frame.stem;
    var box = $("q-options");
    box.textContent = "";
    box.classList.toggle("contest-options--two", frame.options.length === 2);
    frame.options.forEach(function (text, index) {
      var button = C.option("button", index, frame.letters.charAt(index), text);
      button.type = "button";
      button.setAttribute("aria-label", t("option", { letter: frame.letters.charAt(index), text: text }));
      if (frame.kind === "multiple") { button.setAttribute("aria-pressed", "false"); }
      button.addEventListener("click", function () { choose(index, button); });
      box.appendChild(button);
    });
    $("q-submit").hidden = frame.kind !== "multiple";
    C.show(screens, "question");
    countdown.start(frame.paused ? null : frame.deadline, frame.remaining_ms);
    setDisabled(!!frame.paused);
    if (frame.paused) { message(t("paused")); }
  }

  function setDisabled(disabled) {
    Array.prototype.forEach.call($("q-options").children, function (button) {
      button.disabled = disabled;
    });
    $("q-submit").disabled = disabled;
  }

  function choose(index, button) {
    if (!current || sending) { return; }
    if (current.kind === "multiple") {
      var at = chosen.indexOf(index);
      if (at >= 0) { chosen.splice(at, 1); } else { chosen.push(index); }
      button.setAttribute("aria-pressed", at >= 0 ? "false" : "true");
      return;
    }
    send([index]);
  }

  function send(choice) {
    if (!choice.length) { return; }
    sending = true;
    setDisabled(true);
    if (!connection.send({ type: "answer", question: current.question, choice: choice.sort() })) {
      sending = false;
      setDisabled(false);
      message(t("offline"));
    }
  }

  function showAnswered(choice) {
    countdown.stop();
    $("answered-choice").textContent = t("chosen", { letters: letters(choice) });
    C.show(screens, "answered");
  }

  function showResult(frame) {
    setScore(frame.score);
    if (frame.final) {
      $("ended-rank").textContent = t("final", { rank: frame.rank, players: frame.players, score: frame.score });
      C.show(screens, "ended");
      return;
    }
    var title = frame.correct === true ? t("right") : frame.correct === false ? t("wrong") : t("unanswered");
    $("result-title").textContent = title;
    screens.result.classList.toggle("contest-screen--right", frame.correct === true);
    screens.result.classList.toggle("contest-screen--wrong", frame.correct !== true);
    $("result-points").textContent = t("points", { points: frame.points || 0, score: frame.score });
    $("result-rank").textContent = t("rank", { rank: frame.rank, players: frame.players });
    C.show(screens, "result");
  }

  function onState(frame) {
    $("me-name").textContent = frame.player.nickname;
    setScore(frame.player.score);
    var phase = frame.contest.phase;
    if (phase === "question" && frame.question) {
      renderQuestion(frame.question, frame.answered);
    } else if (frame.result) {
      showResult(frame.result);
    } else {
      C.show(screens, "wait");
    }
  }

  var handlers = {
    "contest.state": onState,
    "contest.question": function (frame) { renderQuestion(frame, null); $("q-stem").focus(); },
    "contest.answered": function (frame) { sending = false; showAnswered(frame.choice); },
    "contest.paused": function () { countdown.start(null, null); setDisabled(true); message(t("paused")); },
    "contest.resumed": function (frame) {
      message("");
      if (current) { current.deadline = frame.deadline; }
      countdown.start(frame.deadline, frame.remaining_ms);
      setDisabled(sending);
    },
    "contest.reveal": function () { countdown.stop(); current = null; },
    "contest.result": showResult,
    "contest.ended": function () { countdown.stop(); C.show(screens, "ended"); },
    "contest.removed": function (frame) { message(frame.message || t("removed")); C.show(screens, "wait"); },
    "error": function (frame) {
      message(frame.message);
      if (sending) { sending = false; setDisabled(frame.code === "too_late" || frame.code === "not_open"); }
    }
  };

  countdown = new C.Countdown(null, function (left) {
    $("q-timer").textContent = left == null ? "--" : left;
    if (left === 0) { setDisabled(true); }
  });
  connection = C.connect(root.dataset.socket, {
    frame: function (frame) { (handlers[frame.type] || function () {})(frame); },
    status: function (status) {
      $("contest-connection").textContent = status === "open" ? "" : t("offline");
    },
    closed: function (code) {
      if (code === 4403) { message(t("removed")); return false; }
      if (code === 4401) { message(t("notJoined")); return false; }
      return true;
    }
  });
  countdown.clock = connection.clock;
  $("q-submit").addEventListener("click", function () { send(chosen.slice()); });
  $("contest-connection").textContent = t("connecting");
})();
