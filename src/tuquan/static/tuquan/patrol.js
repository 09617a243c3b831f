/* Team leader's patrol page: every entry (checkpoint scan, observation) gets
   its own id and the phone's time when it is made; an entry made without
   network waits on the phone and is sent later to the batch API, where its id
   makes a resend harmless (offline.js). Camera reading where the browser can decode QR. */
(function () {
  "use strict";
  var root = document.getElementById("patrol");
  if (!root || !root.dataset.syncUrl) return;
  var sessionId = parseInt(root.dataset.session, 10);
  var result = document.getElementById("patrol-result");
  var log = document.getElementById("patrol-log");
  var queueBox = document.getElementById("patrol-queue");
  var queueCount = document.getElementById("patrol-queue-count");
  var rejectedList = document.getElementById("patrol-rejected");
  var forms = Array.prototype.slice.call(document.querySelectorAll("form.pt-entry"));
  // localStorage holds about 5 MB per site: larger photos cannot wait offline.
  var MAX_OFFLINE_PHOTO = 1536 * 1024;

  var offline = window.tuquanOffline;
  var uuid4 = offline.uuid4;
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

  var pending = offline.queue({
    key: "tuquan-patrol-queue-" + sessionId, count: queueCount, box: queueBox,
    rejected: rejectedList, url: root.dataset.syncUrl, field: "entries", size: 1000,
    label: function (entry) { return entry.code || entry.text || ""; }, every: 20000,
    button: document.getElementById("patrol-sync"),
    sent: function (answer) {
      if (!answer.accepted.length && !answer.duplicates.length) return;
      show("ok", root.dataset.msgSent, "");
      if (window.htmx) {
        window.htmx.ajax("GET", root.dataset.logUrl, { target: "#patrol-log", swap: "innerHTML" });
      }
    }
  });

  function enqueue(item, photo, dropped) {
    var queue = pending.load();
    if (photo) item.photo = photo;
    queue.push(item);
    try {
      pending.save(queue);
    } catch (e) {
      // The phone's storage is full: keep the entry, not its photo.
      delete item.photo; dropped = true;
      pending.save(queue);
    }
    pendingLine(item);
    show("queued", root.dataset.msgQueuedTitle,
      root.dataset.msgQueued + (dropped ? " " + root.dataset.msgPhotoDropped : ""));
  }

  var waiting = pending.load();
  pending.save(waiting);
  waiting.forEach(pendingLine);
  pending.sync();

  var scanForm = document.getElementById("scan-form");
  var input = document.getElementById("scan-code");
  offline.camera({
    button: document.getElementById("scan-camera"),
    video: document.getElementById("scan-video"),
    // One checkpoint per reading: stop the camera, the leader walks on.
    pause: 5000, once: true,
    read: function (code) { input.value = code; offline.submit(scanForm); },
    failed: function () { show("bad", "", root.dataset.msgCameraOff); }
  });
})();
