// Document view: OCR words drawn over the page image (low-confidence ones marked), page tabs, and the box
// of a field highlighted on the page while the pointer is over its row.
"use strict";
(function () {
  var root = document.getElementById("document");
  if (!root) return;
  var W = sohoa.words(root);
  var pages = document.querySelectorAll(".page[data-page]");
  var loaded = {};

  function pageEl(n) { return document.querySelector('.page[data-page="' + n + '"]'); }

  function show(n) {
    Array.prototype.forEach.call(pages, function (p) { p.classList.toggle("hidden", p.dataset.page !== String(n)); });
    Array.prototype.forEach.call(document.querySelectorAll(".tab"), function (t) { t.classList.toggle("active", t.dataset.page === String(n)); });
    loadWords(n);
  }

  function loadWords(n) {
    var page = pageEl(n);
    if (!page || !page.dataset.wordsUrl || loaded[n]) { count(n); return; }
    loaded[n] = fetch(page.dataset.wordsUrl, { credentials: "same-origin" }).then(function (r) { return r.json(); })
      .then(function (data) {
        var overlay = page.querySelector(".overlay");
        var frag = document.createDocumentFragment();
        data.words.forEach(function (w) {
          var el = document.createElement("span");
          el.className = "w" + (w.low ? " low" : "");
          el.title = w.text + " (" + Math.round(w.confidence * 100) + "%)";
          sohoa.place(el, w.box);
          frag.appendChild(el);
        });
        overlay.appendChild(frag);
        page.dataset.words = data.words.length;
        page.dataset.low = data.words.filter(function (w) { return w.low; }).length;
        root.dataset.wordsLoaded = (parseInt(root.dataset.wordsLoaded || "0", 10) + 1).toString();
        count(n);
      });
  }

  function count(n) {
    var page = pageEl(n), el = document.getElementById("word-count");
    if (page && el && page.dataset.words) el.textContent = sohoa.say(W.words_count, { n: page.dataset.words, low: page.dataset.low });
  }

  Array.prototype.forEach.call(document.querySelectorAll(".tab"), function (tab) {
    tab.addEventListener("click", function () { show(tab.dataset.page); });
  });
  var toggle = document.getElementById("show-words");
  if (toggle) toggle.addEventListener("change", function () {
    Array.prototype.forEach.call(document.querySelectorAll(".overlay"), function (o) { o.classList.toggle("off", !toggle.checked); });
  });

  Array.prototype.forEach.call(document.querySelectorAll("tr[data-box]"), function (row) {
    row.addEventListener("mouseenter", function () {
      var n = row.dataset.page, page = pageEl(n);
      if (!page) return;
      if (page.classList.contains("hidden")) show(n);
      var mark = page.querySelector(".highlight");
      sohoa.place(mark, JSON.parse(row.dataset.box));
      mark.classList.remove("hidden");
      row.classList.add("hover");
      mark.scrollIntoView({ block: "nearest", behavior: "smooth" });
    });
    row.addEventListener("mouseleave", function () {
      row.classList.remove("hover");
      Array.prototype.forEach.call(document.querySelectorAll(".highlight"), function (m) { m.classList.add("hidden"); });
    });
    row.addEventListener("click", function () {  // pick this field in the correction form
      var select = document.getElementById("correct-target");
      if (select) { select.value = row.dataset.target; document.getElementById("correct-value").focus(); }
    });
  });
  if (pages.length) show(pages[0].dataset.page);
})();
