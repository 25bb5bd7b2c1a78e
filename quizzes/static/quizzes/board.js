// The proctor board: the roster drawn from the proctor socket's frames
// (docs/protocol.md, "proctor"), updated live; actions posted to the action view.
(function () {
  "use strict";
  var box = document.getElementById("board");
  if (!box) { return; }
  var texts = document.getElementById("board-texts").dataset;
  var rowsBody = document.getElementById("board-rows");
  var logBody = document.getElementById("board-log");
  var activity = document.getElementById("board-activity");
  var message = document.getElementById("board-message");
  var connection = document.getElementById("board-connection");
  var rows = {};      // candidate id -> row data
  var order = [];     // candidate ids in roster order
  var offset = 0;     // server clock minus this device's clock
  var sitting = null;
  var failures = 0;
  var socket = null;
  var CST = 8 * 3600000;

  function two(n) { return (n < 10 ? "0" : "") + n; }
  function cst(ms, withDate) {
    var d = new Date(ms + CST);
    var time = two(d.getUTCHours()) + ":" + two(d.getUTCMinutes()) + ":" + two(d.getUTCSeconds());
    return withDate ? d.getUTCFullYear() + "-" + two(d.getUTCMonth() + 1) + "-" + two(d.getUTCDate()) + " " + time.slice(0, 5) : time;
  }
  function clock(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    return Math.floor(s / 60) + ":" + two(s % 60);
  }
  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, k) { return String(values[k]); });
  }
  function cell(text, className) {
    var td = document.createElement("td");
    td.textContent = text;
    if (className) { td.className = className; }
    return td;
  }
  function statusText(row) {
    var name = { not_started: texts.notStarted, in_progress: texts.inProgress, submitted: texts.submitted, graded: texts.graded }[row.status] || row.status;
    var by = row.submitted_by && row.submitted_by !== "candidate"
      ? texts["by" + row.submitted_by.charAt(0).toUpperCase() + row.submitted_by.slice(1)] : "";
    return by ? name + " (" + by + ")" : name;
  }

  function drawRow(row) {
    var tr = document.createElement("tr");
    tr.id = "board-row-" + row.candidate;
    tr.dataset.status = row.status;
    var name = document.createElement("th");
    name.scope = "row";
    name.textContent = row.name;
    tr.appendChild(name);
    tr.appendChild(cell(row.unit));
    tr.appendChild(cell(row.online ? texts.online : texts.offline, "board-online board-online--" + (row.online ? "yes" : "no")));
    tr.appendChild(cell(statusText(row), "board-status"));
    tr.appendChild(cell(row.total ? row.answered + " / " + row.total : String(row.answered), "board-answered"));
    tr.appendChild(cell(String(row.focus_losses), row.focus_losses ? "board-focus board-focus--some" : "board-focus"));
    tr.appendChild(cell("", "board-left"));
    var actions = document.createElement("td");
    actions.className = "board-row-actions";
    actions.appendChild(document.getElementById("board-row-actions").content.cloneNode(true));
    actions.querySelectorAll("input[name=candidate_id]").forEach(function (input) { input.value = row.candidate; });
    var minutes = actions.querySelector(".board-minutes");
    minutes.id = "board-minutes-" + row.candidate;
    actions.querySelector("[data-for=minutes]").setAttribute("for", minutes.id);
    actions.querySelectorAll("button[data-needs]").forEach(function (button) {
      var needs = button.dataset.needs;
      var finished = row.status === "submitted" || row.status === "graded";
      button.disabled = needs === "in_progress" ? row.status !== "in_progress" : !finished;
      button.setAttribute("aria-label", button.textContent + " · " + row.name);
    });
    tr.appendChild(actions);
    return tr;
  }

  function drawRows() {
    rowsBody.textContent = "";
    if (!order.length) {
      var tr = document.createElement("tr");
      var td = cell(texts.empty);
      td.colSpan = 8;
      tr.appendChild(td);
      rowsBody.appendChild(tr);
    }
    order.forEach(function (id) { rowsBody.appendChild(drawRow(rows[id])); });
    counts();
    tick();
  }

  function counts() {
    var all = order.map(function (id) { return rows[id]; });
    document.getElementById("board-counts").textContent = "(" + fill(texts.counts, {
      online: all.filter(function (r) { return r.online; }).length,
      answering: all.filter(function (r) { return r.status === "in_progress"; }).length,
      done: all.filter(function (r) { return r.status === "submitted" || r.status === "graded"; }).length,
      total: all.length
    }) + ")";
  }

  function drawSitting() {
    document.getElementById("board-sitting-facts").textContent =
      texts.status + ": " + sitting.status_label + " · " + texts.window + ": " + cst(sitting.opens_at, true) + " – " +
      cst(sitting.closes_at, true) + " · " + texts.duration + ": " + sitting.duration_minutes;
    document.getElementById("board-open").disabled = sitting.status === "open";
    document.getElementById("board-close").disabled = sitting.status === "closed";
  }

  function drawLog(actions) {
    logBody.textContent = "";
    if (!actions.length) {
      var none = document.createElement("tr");
      var td = cell(texts.noActions);
      td.colSpan = 5;
      none.appendChild(td);
      logBody.appendChild(none);
    }
    actions.forEach(function (entry) {
      var tr = document.createElement("tr");
      [cst(entry.at), entry.label, entry.candidate, entry.actor, entry.detail].forEach(function (text) {
        tr.appendChild(cell(text || ""));
      });
      logBody.appendChild(tr);
    });
  }

  function tick() {
    var now = Date.now() + offset;
    order.forEach(function (id) {
      var row = rows[id];
      var td = document.querySelector("#board-row-" + id + " .board-left");
      if (!td) { return; }
      td.textContent = row.status === "in_progress" && row.deadline ? clock(row.deadline - now) : "—";
    });
  }

  function note(row, frame) {
    var what = texts["ev" + frame.event.charAt(0).toUpperCase() + frame.event.slice(1)] || frame.event;
    if (frame.event === "answer") { what += " " + frame.answered; }
    var li = document.createElement("li");
    li.textContent = cst(Date.now() + offset) + " " + (row ? row.name : "#" + frame.candidate) + " " + what;
    activity.insertBefore(li, activity.firstChild);
    while (activity.children.length > 40) { activity.removeChild(activity.lastChild); }
  }

  function receive(frame) {
    if (frame.server_time) { offset = frame.server_time - Date.now(); }
    if (frame.type === "roster") {
      sitting = frame.sitting;
      rows = {};
      order = frame.candidates.map(function (row) { rows[row.candidate] = row; return row.candidate; });
      drawSitting();
      drawRows();
      drawLog(frame.actions);
    } else if (frame.type === "candidate") {
      var row = rows[frame.candidate];
      if (frame.event) { note(row, frame); }
      if (!row) { return; }
      Object.keys(frame).forEach(function (key) {
        if (key !== "type" && key !== "event") { row[key] = frame[key]; }
      });
      var old = document.getElementById("board-row-" + frame.candidate);
      if (old) { old.replaceWith(drawRow(row)); }
      counts();
      tick();
    } else if (frame.type === "pong") {
      offset = frame.server_time - (frame.id + Date.now()) / 2;
    }
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var ws = new WebSocket(scheme + window.location.host + box.dataset.socket);
    var ping = null;
    socket = ws;
    ws.onopen = function () {
      failures = 0;
      connection.textContent = texts.live;
      connection.className = "board-connection board-connection--live";
      ping = setInterval(function () { ws.send(JSON.stringify({ type: "ping", id: Date.now() })); }, 25000);
    };
    ws.onmessage = function (event) {
      try { receive(JSON.parse(event.data)); } catch (e) { /* a frame we cannot read */ }
    };
    ws.onclose = function (event) {
      clearInterval(ping);
      connection.textContent = texts.reconnecting;
      connection.className = "board-connection board-connection--lost";
      if (event.code === 4401) { return; }
      failures += 1;
      setTimeout(connect, Math.min(30000, 1000 * Math.pow(2, Math.min(failures, 5))));
    };
  }

  function show(text, ok) {
    message.textContent = text;
    message.className = "board-message board-message--" + (ok ? "ok" : "error");
    message.focus();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList.contains("board-action")) { return; }
    event.preventDefault();
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) { return; }
    var buttons = form.querySelectorAll("button");
    buttons.forEach(function (b) { b.disabled = true; });
    fetch(form.getAttribute("action"), {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": box.dataset.csrf }
    }).then(function (response) { return response.json(); })
      .then(function (reply) {
        show(reply.message, reply.ok);
        if (reply.ok && form.querySelector("textarea")) { form.querySelector("textarea").value = ""; }
      })
      .catch(function () { show(texts.failed, false); })
      .then(function () {
        buttons.forEach(function (b) { b.disabled = false; });
        if (sitting) { drawSitting(); }
      });
  });

  var first = document.getElementById("board-first-frame");
  if (first) { receive(JSON.parse(first.textContent)); }
  setInterval(tick, 1000);
  connect();
}());
