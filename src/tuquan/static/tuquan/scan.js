/* Guard's scan page: fresh id and time per scan, camera reading where the
   browser has BarcodeDetector, and a queue for scans made while the network is
   down, sent to the batch API with their original time (offline.js). */
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

  var offline = window.tuquanOffline;
  var uuid4 = offline.uuid4;
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
  var pending = offline.queue({
    key: "tuquan-scan-queue-" + gateId, count: queueCount, box: queueBox,
    rejected: rejectedList, url: root.dataset.syncUrl, field: "events", size: 5000,
    label: function (entry) { return entry.card || ""; }, every: 30000,
    button: document.getElementById("scan-sync"),
    sent: function (answer) { if (answer.accepted.length) show("ok", root.dataset.msgSent, ""); }
  });
  // No network: keep the scan and say so.
  form.addEventListener("htmx:sendError", function () {
    var queue = pending.load();
    var route = form.querySelector("select[name=bus_route]");
    queue.push({
      client_id: form.dataset.lastId || uuid4(),
      gate: gateId,
      card: input.value.trim(),
      direction: form.querySelector("input[name=direction]:checked").value,
      occurred_at: form.dataset.lastAt || new Date().toISOString(),
      bus_route: route && route.value ? parseInt(route.value, 10) : null
    });
    pending.save(queue);
    show("queued", root.dataset.msgQueuedTitle, root.dataset.msgQueued);
    input.value = ""; input.focus();
  });
  pending.save(pending.load());
  pending.sync();

  offline.camera({
    button: document.getElementById("scan-camera"),
    video: document.getElementById("scan-video"),
    pause: 3000, once: false,
    read: function (code) { input.value = code; offline.submit(form); },
    failed: function () { show("bad", "", root.dataset.msgCameraOff); }
  });
  input.focus();
})();
