// Batch page: uploads with a progress bar per file (XHR upload events), and live progress by polling.
"use strict";
(function () {
  var root = document.getElementById("batch");
  if (!root) return;
  var W = sohoa.words(root);
  var list = document.getElementById("upload-list");
  var queue = [], active = 0, PARALLEL = 2;

  function addFiles(files) {
    Array.prototype.forEach.call(files, function (file) {
      var li = document.createElement("li");
      var name = document.createElement("span"); name.className = "name"; name.textContent = file.name;
      var bar = document.createElement("progress"); bar.max = file.size || 1; bar.value = 0;
      var state = document.createElement("span"); state.className = "state"; state.textContent = W.uploading;
      li.appendChild(name); li.appendChild(bar); li.appendChild(state);
      li.dataset.name = file.name;
      list.appendChild(li);
      queue.push({ file: file, li: li, bar: bar, state: state });
    });
    pump();
  }

  function pump() {
    while (active < PARALLEL && queue.length) send(queue.shift());
  }

  function send(item) {
    active++;
    var xhr = new XMLHttpRequest();
    xhr.open("POST", root.dataset.uploadUrl);
    xhr.setRequestHeader("X-CSRF-Token", sohoa.csrf());
    xhr.setRequestHeader("X-File-Name", encodeURIComponent(item.file.name));
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    xhr.upload.onprogress = function (e) { if (e.lengthComputable) { item.bar.max = e.total; item.bar.value = e.loaded; } };
    xhr.onload = function () {
      active--;
      if (xhr.status === 201) {
        item.bar.value = item.bar.max;
        item.state.textContent = W.uploaded;
        item.li.classList.add("uploaded");
        try { item.li.dataset.doc = JSON.parse(xhr.responseText).doc_id; } catch (e) { /* shown by polling */ }
      } else {
        var msg = W.upload_failed;
        try { msg += ": " + (JSON.parse(xhr.responseText).message || ""); } catch (e) { /* keep the plain text */ }
        item.state.textContent = msg;
        item.li.classList.add("failed");
      }
      pump();
      poll();
    };
    xhr.onerror = function () { active--; item.state.textContent = W.upload_failed; item.li.classList.add("failed"); pump(); };
    xhr.send(item.file);
  }

  var input = document.getElementById("file-input");
  input.addEventListener("change", function () { addFiles(input.files); input.value = ""; });
  var zone = document.getElementById("drop-zone");
  ["dragenter", "dragover"].forEach(function (ev) {
    zone.addEventListener(ev, function (e) { e.preventDefault(); zone.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (ev) {
    zone.addEventListener(ev, function (e) { e.preventDefault(); zone.classList.remove("over"); });
  });
  zone.addEventListener("drop", function (e) { if (e.dataTransfer && e.dataTransfer.files) addFiles(e.dataTransfer.files); });
  zone.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); input.click(); } });

  function text(id, value) { var el = document.getElementById(id); if (el) el.textContent = value; }
  function duration(seconds) {
    if (seconds < 90) return sohoa.say(W.seconds, { n: Math.max(1, Math.round(seconds)) });
    var minutes = Math.round(seconds / 60);
    if (minutes < 90) return sohoa.say(W.minutes, { n: minutes });
    return sohoa.say(W.hours, { h: Math.floor(minutes / 60), m: minutes % 60 });
  }
  function number(value) { return String(value).replace(".", ","); }

  var lastFinished = null, timer = null, stats = document.querySelector(".stats");
  function render(p) {
    text("docs-done", p.finished); text("docs-total", p.total);
    text("pages-done", p.pages_done); text("pages-total", p.pages_total);
    var bar = document.getElementById("docs-bar"); bar.max = p.total || 1; bar.value = p.finished;
    var pbar = document.getElementById("pages-bar"); pbar.max = p.pages_total || 1; pbar.value = p.pages_done;
    text("rate", p.pages_per_minute ? sohoa.say(stats.dataset.rate, { rate: number(p.pages_per_minute) }) : "—");
    text("eta", !p.running ? stats.dataset.done : (p.eta_seconds != null ? duration(p.eta_seconds) : stats.dataset.unknown));
    ["done", "review", "failed", "duplicate"].forEach(function (s) { text("count-" + s, p.by_status[s] || 0); });
    text("count-waiting", p.waiting); text("count-processing", p.processing);
    root.dataset.running = p.running ? "yes" : "no";
    if (lastFinished !== null && lastFinished !== p.finished) refreshDocuments();
    lastFinished = p.finished;
    document.getElementById("retry-form").hidden = !p.failures.length;
    if (p.failures.length) refreshFailures(p.failures);
    Array.prototype.forEach.call(list.querySelectorAll("li.uploaded"), function (li) {
      var pending = p.pending_files.some(function (f) { return f.name === li.dataset.name; });
      var state = li.querySelector(".state");
      if (pending) { state.textContent = W.processing; } else { li.classList.add("settled"); settled(li); }
    });
  }
  function settled(li) {  // the document's own status, once the documents table shows it
    var row = document.querySelector('#documents-table tr[data-name="' + CSS.escape(li.dataset.name) + '"]');
    var state = li.querySelector(".state");
    if (row) { state.textContent = W[row.dataset.status] || row.dataset.status; li.classList.toggle("failed", row.dataset.status === "failed"); }
  }
  function refreshFailures(failures) {
    var tbody = document.querySelector("#failures tbody");
    if (tbody && tbody.children.length === failures.length) return;
    fetch(location.href, { credentials: "same-origin" }).then(function (r) { return r.text(); }).then(function (html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      var fresh = doc.getElementById("failures");
      if (fresh) document.getElementById("failures").innerHTML = fresh.innerHTML;
    });
  }
  function refreshDocuments() {
    fetch(root.dataset.documentsUrl, { credentials: "same-origin" }).then(function (r) { return r.text(); }).then(function (html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      var main = doc.getElementById("main");
      document.getElementById("documents").innerHTML = main ? main.innerHTML : html;
      Array.prototype.forEach.call(list.querySelectorAll("li.settled"), settled);
    });
  }
  function poll() {
    clearTimeout(timer);
    fetch(root.dataset.progressUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (p) { render(p); timer = setTimeout(poll, p.running || active || queue.length ? 1500 : 6000); })
      .catch(function () { timer = setTimeout(poll, 8000); });
  }
  poll();
})();
