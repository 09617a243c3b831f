/* What the guard's scan page and the team leader's patrol page share: a fresh
   id per entry, a queue in localStorage for entries made without network (sent
   later to a batch API, where the ids make a resend harmless), and QR reading
   with the camera where the browser can decode QR codes itself. */
(function () {
  "use strict";

  function uuid4() {
    // crypto.randomUUID needs HTTPS; getRandomValues works on a plain LAN too.
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join("-");
  }

  function csrf() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  /* opts: key (localStorage key), count and box (elements showing the queue),
     rejected (list for refused entries), url (batch API), field (the body's
     list name), size (entries per request), label(entry) (how a refused entry
     is named), every (ms between tries), button (sends now), sent(body). */
  function queue(opts) {
    var syncing = false;
    function load() {
      try { return JSON.parse(localStorage.getItem(opts.key) || "[]"); } catch (e) { return []; }
    }
    // Throws when the phone's storage is full: the caller decides what to drop.
    function save(items) {
      localStorage.setItem(opts.key, JSON.stringify(items));
      opts.count.textContent = String(items.length);
      opts.box.hidden = items.length === 0;
    }
    function sync() {
      var items = load();
      if (!items.length || syncing || !navigator.onLine) return;
      syncing = true;
      var batch = items.slice(0, opts.size);
      var body = {};
      body[opts.field] = batch;
      fetch(opts.url, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
        body: JSON.stringify(body)
      }).then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      }).then(function (answer) {
        var done = {};
        answer.accepted.concat(answer.duplicates).forEach(function (id) { done[id] = true; });
        answer.rejected.forEach(function (item) {
          var entry = batch[item.index] || {};
          done[entry.client_id] = true;
          var li = document.createElement("li");
          li.textContent = opts.label(entry) + " · " +
            new Date(entry.occurred_at).toLocaleString("vi-VN") + ": " + item.reason;
          opts.rejected.appendChild(li);
        });
        save(load().filter(function (entry) { return !done[entry.client_id]; }));
        opts.sent(answer);
      }).catch(function () { /* still offline: try again later */ })
        .finally(function () { syncing = false; });
    }
    opts.button.addEventListener("click", sync);
    window.addEventListener("online", sync);
    setInterval(sync, opts.every);
    return { load: load, save: save, sync: sync };
  }

  /* opts: button (shown only where QR reading works), video, read(code),
     failed(), pause (ms before the same code counts again), once (stop the
     camera after a reading). */
  function camera(opts) {
    if (!("BarcodeDetector" in window && navigator.mediaDevices)) return;
    opts.button.hidden = false;
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    var stream = null, last = "", lastAt = 0;
    function stop() {
      if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
      stream = null; opts.video.hidden = true;
    }
    function tick() {
      if (!stream) return;
      detector.detect(opts.video).then(function (codes) {
        var now = Date.now();
        if (codes.length && (codes[0].rawValue !== last || now - lastAt > opts.pause)) {
          last = codes[0].rawValue; lastAt = now;
          if (opts.once) stop();
          opts.read(last);
        }
      }).catch(function () {}).finally(function () { setTimeout(tick, 250); });
    }
    opts.button.addEventListener("click", function () {
      if (stream) { stop(); return; }
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (s) {
        stream = s; opts.video.srcObject = s; opts.video.hidden = false; opts.video.play(); tick();
      }).catch(opts.failed);
    });
  }

  function submit(form) {
    if (window.htmx) { window.htmx.trigger(form, "submit"); } else { form.requestSubmit(); }
  }

  window.tuquanOffline = { uuid4: uuid4, queue: queue, camera: camera, submit: submit };
})();
