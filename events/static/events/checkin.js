// QR check-in that survives a flaky network.
//
// Each check-in gets a UUID made here and is put in a queue in localStorage before it
// is sent. A check-in the network could not deliver stays queued and is sent again
// when the phone is back online (or the page is opened again); the server finds a
// repeated UUID and answers as the first time, so it counts once. Without JavaScript
// the form posts normally.
(function () {
  "use strict";
  var QUEUE_KEY = "pufa.checkins.queue.v1";
  var DONE_KEY = "pufa.checkins.done.v1";
  var form = document.getElementById("checkin-form");
  if (!form || !window.fetch || !window.localStorage) { return; }
  var answer = document.getElementById("checkin-answer");
  var queueNote = document.getElementById("checkin-queue");
  var again = document.getElementById("checkin-again");
  var texts = document.getElementById("checkin-texts").dataset;
  var code = form.dataset.code;
  var sending = false;

  function load(key, fallback) {
    try { return JSON.parse(localStorage.getItem(key)) || fallback; } catch (e) { return fallback; }
  }
  function save(key, value) { localStorage.setItem(key, JSON.stringify(value)); }
  function uuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, function (c) {
      return (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16);
    });
  }

  function show(status, title, message, when) {
    answer.className = "checkin-answer checkin-answer--" + status;
    answer.textContent = "";
    [["checkin-answer__title", title], ["", message], ["muted", when || ""]].forEach(function (part) {
      if (!part[1]) { return; }
      var p = document.createElement("p");
      if (part[0]) { p.className = part[0]; }
      p.textContent = part[1];
      answer.appendChild(p);
    });
    answer.hidden = false;
    answer.focus();
  }

  function titleFor(status) {
    if (status === "checked_in") { return texts.checkedIn; }
    if (status === "already_checked_in") { return texts.already; }
    return texts.refused;
  }

  function renderQueue() {
    var queue = load(QUEUE_KEY, []);
    if (!queue.length) { queueNote.hidden = true; return; }
    queueNote.hidden = false;
    queueNote.textContent = texts.pending + " " + queue.map(function (item) { return item.title; }).join("、");
  }

  function finished(item, data) {
    var done = load(DONE_KEY, {});
    if (data.status === "checked_in" || data.status === "already_checked_in") {
      done[item.code] = { status: data.status, message: data.message, at: data.at_display };
      save(DONE_KEY, done);
    }
    if (item.code === code) {
      show(data.status, titleFor(data.status), data.message, data.at_display);
      if (data.status !== "refused") { form.hidden = true; again.hidden = false; }
    }
  }

  // Send every queued check-in, oldest first. A network failure, a 429 or a server
  // error keeps the item for later; any other answer is final.
  function flush() {
    if (sending) { return Promise.resolve(); }
    var queue = load(QUEUE_KEY, []);
    if (!queue.length) { renderQueue(); return Promise.resolve(); }
    sending = true;
    var item = queue[0];
    return fetch(item.url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(item.payload),
      credentials: "omit",
    }).then(function (response) {
      if (response.status === 429 || response.status >= 500) { throw new Error("retry"); }
      return response.json().then(function (data) {
        var rest = load(QUEUE_KEY, []).filter(function (q) { return q.payload.client_id !== item.payload.client_id; });
        save(QUEUE_KEY, rest);
        finished(item, data);
        sending = false;
        return flush();
      });
    }).catch(function () {
      sending = false;
      renderQueue();
      if (item.code === code) { show("queued", texts.queuedTitle, texts.queued); }
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var name = form.elements.full_name.value.trim();
    var identity = form.elements.identity.value.trim();
    if (!name || !identity) { show("refused", texts.refused, texts.missing); return; }
    var queue = load(QUEUE_KEY, []);
    queue.push({
      url: form.getAttribute("action"),
      code: code,
      title: form.dataset.title,
      payload: {
        client_id: uuid(),
        full_name: name,
        identity: identity,
        client_time: new Date().toISOString(),
      },
    });
    save(QUEUE_KEY, queue);
    show("queued", texts.sending, "");
    flush();
  });

  again.addEventListener("click", function () {
    form.reset();
    form.hidden = false;
    again.hidden = true;
    answer.hidden = true;
    form.elements.full_name.focus();
  });

  // Scanned again on the same phone: say so at once.
  var previous = load(DONE_KEY, {})[code];
  if (previous && answer.hidden) {
    show("already_checked_in", texts.already, "", previous.at);
    form.hidden = true;
    again.hidden = false;
  }
  window.addEventListener("online", flush);
  window.setInterval(flush, 15000);
  renderQueue();
  flush();
})();
