/* Team leader's patrol page: every entry (checkpoint scan, observation) gets
   its own id and the phone's time when it is made; an entry made without
   network waits in localStorage and is sent later to the batch API, where its
   id makes a resend harmless. Camera reading where the browser can decode QR. */
(function () {
  "use strict";
  var root = document.getElementById("patrol");
  if (!root || !root.dataset.syncUrl) return;
  var sessionId = parseInt(root.dataset.session, 10);
  var storeKey = "tuquan-patrol-queue-" + sessionId;
  var result = document.getElementById("patrol-result");
  var log = document.getElementById("patrol-log");
  var queueBox = document.getElementById("patrol-queue");
  var queueCount = document.getElementById("patrol-queue-count");
  var rejectedList = document.getElementById("patrol-rejected");
  var forms = Array.prototype.slice.call(document.querySelectorAll("form.pt-entry"));
  // localStorage holds about 5 MB per site: larger photos cannot wait offline.
  var MAX_OFFLINE_PHOTO = 1536 * 1024;

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
  function loadQueue() {
    try { return JSON.parse(localStorage.getItem(storeKey) || "[]"); } catch (e) { return []; }
  }
  function saveQueue(queue) {
    localStorage.setItem(storeKey, JSON.stringify(queue));
    queueCount.textContent = String(queue.length);
    queueBox.hidden = queue.length === 0;
  }
  function show(tone, title, message) {
    result.innerHTML = "";
    var box = document.createElement("div");
    box.className = "pt-answer tone-" + tone;
    box.setAttribute("role", "status");
    [["pt-answer-title", title], ["", message]].forEach(function (part) {
      if (!part[1]) return;
      var p = document.createElement("p"); p.className = part[0]; p.textContent = part[1]; box.appendChild(p);
    });
    result.appendChild(box);
  }
  function pendingLine(item) {
    var li = document.createElement("li");
    li.className = "pt-log-entry pending";
    li.dataset.clientId = item.client_id;
    var when = document.createElement("time");
    when.textContent = new Date(item.occurred_at).toLocaleTimeString("vi-VN", { hour: "2-digit", minute: "2-digit" });
    var what = document.createElement("span");
    what.textContent = (item.kind === "scan" ? item.code : item.text) + " · " + root.dataset.msgPending;
    li.appendChild(when); li.appendChild(what);
    log.insertBefore(li, log.firstChild);
  }

  forms.forEach(function (form) {
    // One id and the phone's time per entry: a resend is never stored twice,
    // and an entry sent late keeps the time it was made.
    form.addEventListener("htmx:configRequest", function (event) {
      var id = uuid4(), at = new Date().toISOString();
      event.detail.parameters.client_id = id;
      event.detail.parameters.occurred_at = at;
      form.dataset.lastId = id; form.dataset.lastAt = at;
    });
    form.addEventListener("htmx:afterRequest", function (event) {
      if (event.detail.successful && result.querySelector(".tone-ok")) form.reset();
    });
    form.addEventListener("htmx:sendError", function () {
      var data = new FormData(form);
      var item = {
        client_id: form.dataset.lastId || uuid4(),
        session: sessionId,
        kind: data.get("kind"),
        code: (data.get("code") || "").trim(),
        text: (data.get("text") || "").trim(),
        report_kind: data.get("report_kind") || "",
        occurred_at: form.dataset.lastAt || new Date().toISOString()
      };
      var photo = data.get("photo");
      form.reset();
      if (photo && photo.size && photo.size <= MAX_OFFLINE_PHOTO) {
        // Small photos wait too, as data URLs (the API takes them in base64).
        var reader = new FileReader();
        reader.onload = function () { enqueue(item, reader.result); };
        reader.onerror = function () { enqueue(item, null, true); };
        reader.readAsDataURL(photo);
        return;
      }
      enqueue(item, null, Boolean(photo && photo.size));
    });
  });

  function enqueue(item, photo, dropped) {
    var queue = loadQueue();
    if (photo) item.photo = photo;
    queue.push(item);
    try {
      saveQueue(queue);
    } catch (e) {
      // The phone's storage is full: keep the entry, not its photo.
      delete item.photo; dropped = true;
      saveQueue(queue);
    }
    pendingLine(item);
    show("queued", root.dataset.msgQueuedTitle,
      root.dataset.msgQueued + (dropped ? " " + root.dataset.msgPhotoDropped : ""));
  }

  var syncing = false;
  function sync() {
    var queue = loadQueue();
    if (!queue.length || syncing || !navigator.onLine) return;
    syncing = true;
    var batch = queue.slice(0, 1000);
    fetch(root.dataset.syncUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify({ entries: batch })
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    }).then(function (body) {
      var done = {};
      body.accepted.concat(body.duplicates).forEach(function (id) { done[id] = true; });
      body.rejected.forEach(function (item) {
        var sent = batch[item.index] || {};
        done[sent.client_id] = true;
        var li = document.createElement("li");
        li.textContent = (sent.code || sent.text || "") + " · " +
          new Date(sent.occurred_at).toLocaleString("vi-VN") + ": " + item.reason;
        rejectedList.appendChild(li);
      });
      saveQueue(loadQueue().filter(function (item) { return !done[item.client_id]; }));
      if (body.accepted.length || body.duplicates.length) {
        show("ok", root.dataset.msgSent, "");
        if (window.htmx) {
          window.htmx.ajax("GET", root.dataset.logUrl, { target: "#patrol-log", swap: "innerHTML" });
        }
      }
    }).catch(function () { /* still offline: try again later */ })
      .finally(function () { syncing = false; });
  }
  document.getElementById("patrol-sync").addEventListener("click", sync);
  window.addEventListener("online", sync);
  setInterval(sync, 20000);
  var waiting = loadQueue();
  saveQueue(waiting);
  waiting.forEach(pendingLine);
  sync();

  // Camera: only where the browser can decode QR codes itself.
  var cameraButton = document.getElementById("scan-camera");
  var video = document.getElementById("scan-video");
  var scanForm = document.getElementById("scan-form");
  var input = document.getElementById("scan-code");
  if ("BarcodeDetector" in window && navigator.mediaDevices) {
    cameraButton.hidden = false;
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    var stream = null, last = "", lastAt = 0;
    var stop = function () {
      if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
      stream = null; video.hidden = true;
    };
    cameraButton.addEventListener("click", function () {
      if (stream) { stop(); return; }
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (s) {
        stream = s; video.srcObject = s; video.hidden = false; video.play(); tick();
      }).catch(function () { show("bad", "", root.dataset.msgCameraOff); });
    });
    var tick = function () {
      if (!stream) return;
      detector.detect(video).then(function (codes) {
        var now = Date.now();
        if (codes.length && (codes[0].rawValue !== last || now - lastAt > 5000)) {
          last = codes[0].rawValue; lastAt = now;
          input.value = last;
          // One checkpoint per reading: stop the camera, the leader walks on.
          stop();
          if (window.htmx) { window.htmx.trigger(scanForm, "submit"); } else { scanForm.requestSubmit(); }
        }
      }).catch(function () {}).finally(function () { setTimeout(tick, 250); });
    };
  }
})();
