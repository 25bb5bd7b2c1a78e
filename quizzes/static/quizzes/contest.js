/* Shared by the contest's host screen and players' phones: the socket (with
   reconnection), the server's clock, countdowns, option shapes and texts. */
(function () {
  "use strict";

  var SHAPES = ["▲", "◆", "●", "■", "★", "⬟", "✚", "⬢"];

  function texts(id) {
    var node = document.getElementById(id);
    var data = node ? node.dataset : {};
    return function (key, values) {
      var text = data[key] || key;
      Object.keys(values || {}).forEach(function (name) {
        text = text.split("%(" + name + ")s").join(String(values[name]));
      });
      return text;
    };
  }

  /* The server's clock: offset measured from ping/pong round trips. */
  function Clock() {
    this.offset = 0;
    this.best = Infinity;
  }
  Clock.prototype.now = function () { return Date.now() + this.offset; };
  Clock.prototype.pong = function (frame, sentAt) {
    var trip = Date.now() - sentAt;
    if (trip <= this.best) {
      this.best = trip;
      this.offset = frame.server_time - (sentAt + trip / 2);
    }
  };
  Clock.prototype.hint = function (serverTime) {
    if (this.best === Infinity && serverTime) { this.offset = serverTime - Date.now(); }
  };

  /* A socket that reconnects (1 s, 2 s, … 10 s) and keeps the clock in step. */
  function connect(path, handlers) {
    var clock = new Clock();
    var socket = null;
    var wait = 1000;
    var pings = {};
    var pingId = 0;
    var stopped = false;
    var timer = null;

    function url() {
      var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
      return scheme + window.location.host + path;
    }
    function ping() {
      if (!socket || socket.readyState !== 1) { return; }
      pingId += 1;
      pings[pingId] = Date.now();
      socket.send(JSON.stringify({ type: "ping", id: pingId }));
    }
    function open() {
      socket = new WebSocket(url());
      socket.onopen = function () {
        wait = 1000;
        handlers.status && handlers.status("open");
        ping();
        setTimeout(ping, 1500);
        setTimeout(ping, 4000);
        clearInterval(timer);
        timer = setInterval(ping, 20000);
      };
      socket.onmessage = function (event) {
        var frame;
        try { frame = JSON.parse(event.data); } catch (e) { return; }
        if (frame.type === "pong") {
          if (pings[frame.id]) { clock.pong(frame, pings[frame.id]); delete pings[frame.id]; }
          return;
        }
        clock.hint(frame.server_time);
        handlers.frame(frame);
      };
      socket.onclose = function (event) {
        clearInterval(timer);
        if (handlers.closed && handlers.closed(event.code) === false) { stopped = true; }
        if (stopped) { return; }
        handlers.status && handlers.status("offline");
        setTimeout(open, wait);
        wait = Math.min(wait * 2, 10000);
      };
    }
    open();
    return {
      clock: clock,
      send: function (frame) {
        if (socket && socket.readyState === 1) { socket.send(JSON.stringify(frame)); return true; }
        return false;
      },
      stop: function () { stopped = true; if (socket) { socket.close(); } }
    };
  }

  /* Calls render(secondsLeft) every 200 ms until the deadline (server time). */
  function Countdown(clock, render) {
    this.clock = clock;
    this.render = render;
    this.timer = null;
  }
  Countdown.prototype.start = function (deadline, remaining) {
    var self = this;
    this.stop();
    if (!deadline) { this.render(remaining == null ? null : Math.ceil(remaining / 1000)); return; }
    function tick() {
      var left = Math.max(0, Math.ceil((deadline - self.clock.now()) / 1000));
      self.render(left);
      if (left <= 0) { self.stop(); }
    }
    tick();
    this.timer = setInterval(tick, 200);
  };
  Countdown.prototype.stop = function () { clearInterval(this.timer); this.timer = null; };

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text != null) { node.textContent = text; }
    return node;
  }

  /* An option as coloured shape + letter + text (buttons on phones, tiles on
     the host screen). */
  function option(tag, index, letter, text) {
    var node = el(tag, "contest-option contest-option--" + index);
    var shape = el("span", "contest-option__shape", SHAPES[index] || "");
    shape.setAttribute("aria-hidden", "true");
    node.appendChild(shape);
    node.appendChild(el("span", "contest-option__letter", letter));
    node.appendChild(el("span", "contest-option__text", text));
    return node;
  }

  function show(screens, name) {
    Object.keys(screens).forEach(function (key) { screens[key].hidden = key !== name; });
  }

  window.pufaContest = {
    connect: connect, Countdown: Countdown, texts: texts, el: el, option: option,
    show: show, SHAPES: SHAPES
  };
})();
