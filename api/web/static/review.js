// Review queue, keyboard first: j/k next/previous item, 1-9 accept that candidate, x reject all.
"use strict";
(function () {
  var root = document.getElementById("review");
  if (!root) return;
  var W = sohoa.words(root);
  var candidates = JSON.parse(root.dataset.candidates || "[]");
  var status = document.getElementById("review-status");
  var busy = false;
  root.dataset.shownAt = String(Date.now());

  Array.prototype.forEach.call(document.querySelectorAll(".box-mark"), function (el) {
    sohoa.place(el, JSON.parse(el.dataset.box));
  });

  function decide(form) {
    if (busy) return;
    busy = true;
    status.classList.remove("error");
    status.textContent = W.saving;
    sohoa.post(root.dataset.postUrl, form).then(function (answer) {
      status.textContent = sohoa.say(W.saved, { status: W[answer.status] || answer.status });
      root.dataset.decided = answer.status;
      location.assign(answer.next || "/staff/review");
    }).catch(function (e) {
      busy = false;
      status.classList.add("error");
      status.textContent = sohoa.say(W.save_failed, { message: e.message });
    });
  }
  // The reading the page shows: a decision made on persons read again since is refused, not misplaced.
  function accept(citizenId) { decide({ action: "accept", citizen_id: citizenId, reading: root.dataset.reading }); }
  function reject() { decide({ action: "reject", reading: root.dataset.reading }); }

  document.addEventListener("keydown", function (e) {
    if (sohoa.typing(e) || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === "j" && root.dataset.nextUrl) { location.assign(root.dataset.nextUrl); }
    else if (e.key === "k" && root.dataset.previousUrl) { location.assign(root.dataset.previousUrl); }
    else if (e.key === "x") { reject(); }
    else if (/^[1-9]$/.test(e.key)) {
      var n = parseInt(e.key, 10);
      var button = document.querySelector('button.accept[data-key="' + n + '"]');
      if (n <= candidates.length && button && !button.disabled) { accept(candidates[n - 1]); }
      else { status.classList.add("error"); status.textContent = sohoa.say(W.no_candidate, { n: n }); }
    } else { return; }
    e.preventDefault();
  });
  Array.prototype.forEach.call(document.querySelectorAll("button.accept"), function (b) {
    b.addEventListener("click", function () { accept(b.dataset.citizen); });
  });
  document.getElementById("reject").addEventListener("click", reject);

  var lookupForm = document.getElementById("lookup-form");
  lookupForm.addEventListener("submit", function (e) {
    e.preventDefault();
    var id = document.getElementById("lookup-id").value.trim();
    if (!/^\d{12}$/.test(id)) { document.getElementById("lookup-id").focus(); return; }
    fetch(root.dataset.lookupUrl + "?citizen_id=" + encodeURIComponent(id), { credentials: "same-origin" })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var box = document.getElementById("lookup-result");
        box.innerHTML = new DOMParser().parseFromString(html, "text/html").body.innerHTML;
        var b = box.querySelector("button.accept-lookup");
        if (b) b.addEventListener("click", function () { accept(b.dataset.citizen); });
      });
  });
})();
