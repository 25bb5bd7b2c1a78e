/* The host screen (projector): lobby with PIN and QR, questions with their
   countdown, the answers as bars, the leaderboard, the podium. The server keeps
   time and state; this page draws what the socket says and sends the host's
   clicks with the step it shows (so a double click cannot skip a step).
   Protocol: docs/protocol.md, "Contest". */
(function () {
  "use strict";
  var C = window.pufaContest;
  var root = document.getElementById("host");
  if (!root || !C) { return; }
  var t = C.texts("host-texts");
  var $ = function (id) { return document.getElementById(id); };
  var screens = {
    lobby: $("host-lobby"), question: $("host-question"), reveal: $("host-reveal"),
    leaderboard: $("host-leaderboard"), ended: $("host-ended")
  };
  var buttons = {
    start: $("hc-start"), next: $("hc-next"), skip: $("hc-skip"),
    pause: $("hc-pause"), resume: $("hc-resume"), end: $("hc-end")
  };
  var view = { phase: "lobby", question: 0, total: 0, last: false, paused: false };
  var players = {};
  var countdown, connection;

  function message(text) { $("host-message").textContent = text || ""; }

  function controls() {
    var p = view.phase;
    buttons.start.hidden = p !== "lobby";
    buttons.next.hidden = p !== "reveal" && p !== "leaderboard";
    buttons.skip.hidden = p !== "question";
    buttons.pause.hidden = p !== "question" || view.paused;
    buttons.resume.hidden = p !== "question" || !view.paused;
    buttons.end.hidden = p === "ended";
    buttons.next.textContent = p === "reveal" ? t("nextBoard") :
      view.last ? t("nextEnd") : t("nextQuestion");
    $("host-progress").textContent = p === "lobby" || p === "ended" ? t("lobby") :
      t("progress", { n: view.question, total: view.total });
  }

  function enter(phase, question) {
    view.phase = phase;
    if (question) { view.question = question; }
    if (phase !== "question") { countdown.stop(); view.paused = false; }
    C.show(screens, phase);
    controls();
    message("");
  }

  /* lobby ---------------------------------------------------------------- */
  function addPlayer(player) {
    if (players[player.id]) { return; }
    var item = C.el("li");
    var button = C.el("button", "host-name", player.nickname);
    button.type = "button";
    button.title = player.team || "";
    button.setAttribute("aria-label", t("kickLabel", { name: player.nickname }));
    button.addEventListener("click", function () {
      if (window.confirm(t("kick", { name: player.nickname }))) {
        connection.send({ type: "kick", player: player.id });
      }
    });
    item.appendChild(button);
    players[player.id] = item;
    $("lobby-names").insertBefore(item, $("lobby-names").firstChild);
  }
  function setCount(count) {
    $("lobby-count").textContent = count;
    $("hq-players").textContent = count;
  }

  /* a question ----------------------------------------------------------- */
  function showQuestion(frame, answered) {
    view.total = frame.total;
    view.paused = !!frame.paused;
    enter("question", frame.question);
    $("hq-kind").textContent = t(frame.kind === "multiple" ? "multiple" :
      frame.kind === "true_false" ? "trueFalse" : "single");
    $("hq-stem").textContent = frame.stem;
    var box = $("hq-options");
    box.textContent = "";
    box.classList.toggle("host-options--two", frame.options.length === 2);
    frame.options.forEach(function (text, index) {
      box.appendChild(C.option("div", index, frame.letters.charAt(index), text));
    });
    $("hq-answered").textContent = answered || 0;
    $("hq-paused").hidden = !view.paused;
    countdown.start(view.paused ? null : frame.deadline, frame.remaining_ms);
    controls();
  }

  /* after the timer: bars, the right answer, the law -------------------- */
  function showReveal(frame) {
    view.total = frame.total;
    enter("reveal", frame.question);
    $("hr-stem").textContent = frame.stem;
    var most = Math.max.apply(null, frame.counts.concat([1]));
    var bars = $("hr-bars");
    bars.textContent = "";
    frame.options.forEach(function (text, index) {
      var right = frame.correct.indexOf(index) >= 0;
      var row = C.el("div", "host-bar contest-option--" + index + (right ? " host-bar--right" : ""));
      row.setAttribute("role", "listitem");
      var label = C.el("span", "host-bar__label");
      var shape = C.el("span", "contest-option__shape", C.SHAPES[index]);
      shape.setAttribute("aria-hidden", "true");
      label.appendChild(shape);
      label.appendChild(C.el("span", "contest-option__letter", frame.letters.charAt(index)));
      label.appendChild(C.el("span", "host-bar__text", text));
      if (right) { label.appendChild(C.el("span", "host-bar__tick", "✓")); }
      var track = C.el("span", "host-bar__track");
      var fill = C.el("span", "host-bar__fill");
      fill.style.width = Math.round(100 * frame.counts[index] / most) + "%";
      track.appendChild(fill);
      row.appendChild(label);
      row.appendChild(track);
      row.appendChild(C.el("span", "host-bar__count", String(frame.counts[index])));
      bars.appendChild(row);
    });
    var letters = frame.correct.map(function (i) { return frame.letters.charAt(i); }).join("");
    $("hr-summary").textContent = t("rightAnswer", { letters: letters });
    $("hr-explanation").textContent = frame.explanation || "";
    var articles = $("hr-articles");
    articles.textContent = "";
    frame.articles.forEach(function (article) {
      var item = C.el("li");
      item.appendChild(C.el("strong", null, "《" + article.law + "》" + article.label + " "));
      item.appendChild(document.createTextNode(article.text));
      articles.appendChild(item);
    });
  }

  function rows(list, board, withTeam) {
    list.textContent = "";
    board.forEach(function (row) {
      var item = C.el("li", "host-board__row");
      item.appendChild(C.el("span", "host-board__rank", String(row.rank)));
      item.appendChild(C.el("span", "host-board__name", withTeam ? row.nickname : row.team));
      if (withTeam && row.team) { item.appendChild(C.el("span", "host-board__team", row.team)); }
      if (!withTeam) { item.appendChild(C.el("span", "host-board__team", t("countPeople", { count: row.players }))); }
      item.appendChild(C.el("span", "host-board__score", String(row.score)));
      list.appendChild(item);
    });
  }

  function showBoard(frame) {
    view.last = !!frame.last;
    view.total = frame.total || view.total;
    enter("leaderboard", frame.question);
    rows($("hl-rows"), frame.leaderboard, true);
    $("hl-teams-wrap").hidden = !frame.teams.length;
    rows($("hl-teams"), frame.teams, false);
  }

  function showEnded(frame) {
    enter("ended");
    var podium = $("he-podium");
    podium.textContent = "";
    frame.podium.forEach(function (row, index) {
      var item = C.el("li", "host-podium__place host-podium__place--" + (index + 1));
      item.appendChild(C.el("span", "host-podium__rank", String(row.rank)));
      item.appendChild(C.el("span", "host-podium__name", row.nickname));
      item.appendChild(C.el("span", "host-podium__score", t("points", { score: row.score })));
      podium.appendChild(item);
    });
    $("he-teams-wrap").hidden = !frame.teams.length;
    rows($("he-teams"), frame.teams, false);
  }

  function onState(frame) {
    var contest = frame.contest;
    view.total = contest.total;
    setCount(frame.players);
    frame.lobby.slice().reverse().forEach(addPlayer);
    if (contest.phase === "question" && frame.question) { showQuestion(frame.question, frame.answered); }
    else if (contest.phase === "reveal" && frame.reveal) { showReveal(frame.reveal); }
    else if (contest.phase === "leaderboard" && frame.leaderboard) { showBoard(frame.leaderboard); }
    else if (contest.phase === "ended" && frame.ended) { showEnded(frame.ended); }
    else { enter("lobby"); }
  }

  var handlers = {
    "contest.state": onState,
    "contest.joined": function (frame) { addPlayer(frame.player); setCount(frame.players); },
    "contest.kicked": function (frame) {
      var item = players[frame.player];
      if (item) { item.remove(); }
      setCount(frame.players);
    },
    "contest.question": function (frame) { showQuestion(frame, 0); },
    "contest.answers": function (frame) {
      if (frame.question !== view.question) { return; }
      var shown = parseInt($("hq-answered").textContent, 10) || 0;
      $("hq-answered").textContent = Math.max(shown, frame.answered);
      setCount(frame.players);
    },
    "contest.paused": function () {
      view.paused = true; countdown.start(null, null); $("hq-paused").hidden = false; controls();
    },
    "contest.resumed": function (frame) {
      view.paused = false; $("hq-paused").hidden = true; countdown.start(frame.deadline, frame.remaining_ms); controls();
    },
    "contest.reveal": showReveal,
    "contest.leaderboard": showBoard,
    "contest.ended": showEnded,
    "error": function (frame) { message(frame.message); }
  };

  countdown = new C.Countdown(null, function (left) {
    $("hq-timer").textContent = left == null ? "--" : left;
    $("hq-timer").parentNode.classList.toggle("host-timer--low", left != null && left <= 5);
  });
  connection = C.connect(root.dataset.socket, {
    frame: function (frame) { (handlers[frame.type] || function () {})(frame); },
    status: function (status) { $("host-connection").textContent = status === "open" ? "" : t("offline"); },
    closed: function (code) { return code !== 4401; }
  });
  countdown.clock = connection.clock;

  buttons.start.addEventListener("click", function () { connection.send({ type: "start" }); });
  buttons.next.addEventListener("click", function () {
    connection.send({ type: "next", phase: view.phase, question: view.question });
  });
  buttons.skip.addEventListener("click", function () {
    connection.send({ type: "skip", question: view.question });
  });
  buttons.pause.addEventListener("click", function () { connection.send({ type: "pause" }); });
  buttons.resume.addEventListener("click", function () { connection.send({ type: "resume" }); });
  buttons.end.addEventListener("click", function () {
    if (window.confirm(t("end"))) { connection.send({ type: "end" }); }
  });
  controls();
})();
