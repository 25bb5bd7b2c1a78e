// The episode player: playback speed, click-to-seek on chapters and transcript lines,
// the line being spoken highlighted, and one anonymous play counted per page view
// (unless another script claims it: the "pufa:play" event).
(function () {
  "use strict";
  var player = document.querySelector(".player");
  if (!player) return;
  var media = player.querySelector(".player__media");
  if (!media) return;

  var rate = player.querySelector(".js-playback-rate");
  if (rate) {
    rate.addEventListener("change", function () {
      media.playbackRate = parseFloat(rate.value) || 1;
    });
  }

  function seek(seconds) {
    // Before the metadata has loaded, a new position would be ignored.
    if (media.readyState >= 1) {
      media.currentTime = seconds;
    } else {
      media.addEventListener("loadedmetadata", function () {
        media.currentTime = seconds;
      }, { once: true });
    }
    var playing = media.play();
    if (playing && playing.catch) playing.catch(function () {});
  }

  document.querySelectorAll(".js-seek").forEach(function (button) {
    button.addEventListener("click", function () {
      seek(parseFloat(button.dataset.start) || 0);
    });
  });

  var cues = Array.prototype.slice.call(document.querySelectorAll(".js-cue"));
  var current = null;
  media.addEventListener("timeupdate", function () {
    var time = media.currentTime;
    var active = null;
    cues.forEach(function (cue) {
      if (time >= parseFloat(cue.dataset.start) && time < parseFloat(cue.dataset.end)) active = cue;
    });
    if (active === current) return;
    if (current) current.removeAttribute("aria-current");
    if (active) active.setAttribute("aria-current", "true");
    current = active;
  });

  var counted = false;
  function nonce() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, function (c) {
      return (c ^ (Math.random() * 16) >> (c / 4)).toString(16);
    });
  }
  media.addEventListener("play", function () {
    if (counted || !player.dataset.playsUrl || !window.fetch) return;
    counted = true;
    // Another script that counts this listening by name (the study record, for a
    // signed-in cadre) cancels this event, so one listening is never counted twice.
    var claim = new CustomEvent("pufa:play", { bubbles: true, cancelable: true });
    if (!player.dispatchEvent(claim)) return;
    fetch(player.dataset.playsUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ nonce: nonce() }),
      credentials: "omit",
      keepalive: true
    }).catch(function () {});
  });
})();
