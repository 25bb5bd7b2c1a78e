// The study record's listening clock, on episode pages, for a signed-in cadre.
//
// Heartbeats go to the server only while the recording is really playing AND the
// page is visible: "start" when both become true, "tick" every 15 seconds while
// they stay true, "stop" as soon as either ends (pause, end, buffering, hidden
// tab, page closed). The server credits at most the real time between beats
// (study.services.listening), so a page left in a background tab earns nothing.
// The cadre is counted by name, so this page claims the anonymous play count.
(function () {
  "use strict";
  var script = document.getElementById("study-listen");
  var player = document.querySelector(".player[data-episode]");
  if (!script || !player || !window.fetch) return;
  var media = player.querySelector(".player__media");
  if (!media) return;
  var BEAT_MS = 15000;
  var episode = player.dataset.episode;
  var session = null;
  var timer = null;
  var running = false;
  var buffering = false;

  var status = document.createElement("p");
  status.className = "study-listening muted";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  status.hidden = true;
  player.appendChild(status);

  player.addEventListener("pufa:play", function (event) { event.preventDefault(); });

  function uuid() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, function (c) {
      return (c ^ (Math.random() * 16) >> (c / 4)).toString(16);
    });
  }

  function show(reply) {
    if (!reply || reply.heard === undefined) return;
    status.hidden = false;
    status.textContent = reply.message;
  }

  function send(beat) {
    fetch(script.dataset.url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": script.dataset.csrf },
      body: JSON.stringify({ episode: episode, session: session, beat: beat }),
      credentials: "same-origin",
      keepalive: beat === "stop"
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(show).catch(function () {});
  }

  function playingVisibly() {
    return !media.paused && !media.ended && !buffering &&
      document.visibilityState === "visible";
  }

  function sync() {
    if (playingVisibly() && !running) {
      running = true;
      session = session || uuid();
      send("start");
      timer = window.setInterval(function () {
        if (playingVisibly()) send("tick"); else sync();
      }, BEAT_MS);
    } else if (!playingVisibly() && running) {
      running = false;
      window.clearInterval(timer);
      send("stop");
    }
  }

  media.addEventListener("playing", function () { buffering = false; sync(); });
  media.addEventListener("waiting", function () { buffering = true; sync(); });
  ["pause", "ended", "emptied"].forEach(function (name) {
    media.addEventListener(name, sync);
  });
  document.addEventListener("visibilitychange", sync);
  window.addEventListener("pagehide", function () {
    if (running) { running = false; window.clearInterval(timer); send("stop"); }
  });
})();
