/* Guard's scan page: fresh id and time per scan, camera reading where the
   browser has BarcodeDetector, and a queue in localStorage for scans made
   while the network is down (sent to the batch API with their original time). */
(function () {
  "use strict";
  var root = document.getElementById("scan");
  if (!root) return;
  var form = document.getElementById("scan-form");
  var input = document.getElementById("scan-code");
  var result = document.getElementById("scan-result");
  var queueBox = document.getElementById("scan-queue");
  var queueCount = document.getElementById("scan-queue-count");
  var rejectedList = document.getElementById("scan-rejected");
  var gateId = parseInt(root.dataset.gate, 10);
  var storeKey = "tuquan-scan-queue-" + gateId;

  function uuid4() {
    // crypto.randomUUID needs HTTPS; getRandomValues works on a plain LAN too.
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function csrf() {
    var field = form.querySelector("input[name=csrfmiddlewaretoken]");
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
    box.className = "scan-answer tone-" + tone;
    box.setAttribute("role", "status");
    [["scan-title", title], ["scan-message", message]].forEach(function (part) {
      if (!part[1]) return;
      var p = document.createElement("p"); p.className = part[0]; p.textContent = part[1]; box.appendChild(p);
    });
    result.appendChild(box);
  }

  // Every scan carries its own id, so a resent request is never counted twice.
  form.addEventListener("htmx:configRequest", function (event) {
    var id = uuid4(), at = new Date().toISOString();
    // The server's clock decides the time of an online scan; the phone's is
    // kept only for a scan that has to wait in the queue.
    event.detail.parameters.client_id = id;
    form.dataset.lastId = id; form.dataset.lastAt = at;
  });
  form.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful) { input.value = ""; input.focus(); }
  });
  // No network: keep the scan and say so.
  form.addEventListener("htmx:sendError", function () {
    var queue = loadQueue();
    var route = form.querySelector("select[name=bus_route]");
    queue.push({
      client_id: form.dataset.lastId || uuid4(),
      gate: gateId,
      card: input.value.trim(),
      direction: form.querySelector("input[name=direction]:checked").value,
      occurred_at: form.dataset.lastAt || new Date().toISOString(),
      bus_route: route && route.value ? parseInt(route.value, 10) : null
    });
    saveQueue(queue);
    show("queued", root.dataset.msgQueuedTitle, root.dataset.msgQueued);
    input.value = ""; input.focus();
  });

  var syncing = false;
  function sync() {
    var queue = loadQueue();
    if (!queue.length || syncing || !navigator.onLine) return;
    syncing = true;
    var batch = queue.slice(0, 5000);
    fetch(root.dataset.syncUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify({ events: batch })
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
        li.textContent = (sent.card || "") + " · " + new Date(sent.occurred_at).toLocaleString("vi-VN") + ": " + item.reason;
        rejectedList.appendChild(li);
      });
      saveQueue(loadQueue().filter(function (item) { return !done[item.client_id]; }));
      if (body.accepted.length) {
        show("ok", root.dataset.msgSent, "");
      }
    }).catch(function () { /* still offline: try again later */ })
      .finally(function () { syncing = false; });
  }
  document.getElementById("scan-sync").addEventListener("click", sync);
  window.addEventListener("online", sync);
  setInterval(sync, 30000);
  saveQueue(loadQueue());
  sync();

  // Camera: only where the browser can decode QR codes itself.
  var cameraButton = document.getElementById("scan-camera");
  var video = document.getElementById("scan-video");
  if ("BarcodeDetector" in window && navigator.mediaDevices) {
    cameraButton.hidden = false;
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    var stream = null, last = "", lastAt = 0;
    cameraButton.addEventListener("click", function () {
      if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); stream = null; video.hidden = true; return; }
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (s) {
        stream = s; video.srcObject = s; video.hidden = false; video.play(); tick();
      }).catch(function () { show("bad", "", root.dataset.msgCameraOff); });
    });
    var tick = function () {
      if (!stream) return;
      detector.detect(video).then(function (codes) {
        var now = Date.now();
        if (codes.length && (codes[0].rawValue !== last || now - lastAt > 3000)) {
          last = codes[0].rawValue; lastAt = now;
          input.value = last;
          if (window.htmx) { window.htmx.trigger(form, "submit"); } else { form.requestSubmit(); }
        }
      }).catch(function () {}).finally(function () { setTimeout(tick, 250); });
    };
  }
  input.focus();
})();
