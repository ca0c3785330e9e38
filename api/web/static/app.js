// sohoa staff page: what every page shares. Plain JavaScript, no build step.
"use strict";
window.sohoa = (function () {
  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }
  function words(el) {
    try { return JSON.parse(el.dataset.words || "{}"); } catch (e) { return {}; }
  }
  function say(template, params) {
    return String(template || "").replace(/\{(\w+)\}/g, function (_, k) { return params && k in params ? params[k] : ""; });
  }
  // A POST the server accepts: the session's CSRF token in a header, the answer as JSON.
  function post(url, form) {
    var body = new URLSearchParams(form || {});
    return fetch(url, {
      method: "POST", credentials: "same-origin", body: body,
      headers: { "X-CSRF-Token": csrf(), "Accept": "application/json" }
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (!r.ok) { var e = new Error(data.message || data.detail || r.statusText); e.status = r.status; throw e; }
        return data;
      });
    });
  }
  function typing(event) {
    var t = event.target;
    return t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
  }
  function place(el, box) {  // box: [x0, y0, x1, y1] as fractions of the page
    el.style.left = (box[0] * 100) + "%";
    el.style.top = (box[1] * 100) + "%";
    el.style.width = ((box[2] - box[0]) * 100) + "%";
    el.style.height = ((box[3] - box[1]) * 100) + "%";
  }
  return { csrf: csrf, words: words, say: say, post: post, typing: typing, place: place };
})();
