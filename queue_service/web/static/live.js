// Live pages: on every "change" tick from /events, fetch this page's fragment again.
(function () {
  "use strict";
  function stamp() {
    document.querySelectorAll("time.now").forEach(function (el) {
      // the site's clock, not the phone's (a visitor's phone may keep its home time zone)
      el.textContent = new Date().toLocaleTimeString("ja-JP", {hour: "2-digit", minute: "2-digit",
        second: "2-digit", timeZone: el.dataset.tz || undefined});
    });
  }
  stamp();
  // A plain form that asks first (no inline handlers: the CSP allows none).
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (form.matches("form[data-confirm]:not([data-action])") && !window.confirm(form.dataset.confirm)) {
      ev.preventDefault();
    }
  });
  var live = document.querySelector("[data-live]");
  if (!live || !window.EventSource) return;
  var busy = false, again = false;
  // Keep what staff were choosing in a form across a refresh of the fragment.
  function keepInputs() {
    var kept = {};
    live.querySelectorAll("select[id], input[id]").forEach(function (el) { kept[el.id] = el.value; });
    var focused = document.activeElement && document.activeElement.id;
    return function () {
      Object.keys(kept).forEach(function (id) {
        var el = document.getElementById(id);
        if (el && el.type !== "hidden") el.value = kept[id];
      });
      if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
    };
  }
  async function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    try {
      var url = new URL(location.href);
      url.searchParams.set("fragment", "1");
      url.searchParams.delete("msg");
      var r = await fetch(url, {headers: {"X-Requested-With": "fetch"}, credentials: "same-origin", cache: "no-store"});
      if (r.status === 401) { location.href = "/staff/login?next=" + encodeURIComponent(location.pathname); return; }
      if (r.ok || r.status === 404) {
        var html = await r.text();
        var restore = keepInputs();
        live.innerHTML = html;
        restore();
        stamp();
        live.dataset.refreshed = String(Date.now());
        document.dispatchEvent(new Event("live:updated"));
      }
    } catch (e) { /* the next tick or reconnect tries again */ }
    finally {
      busy = false;
      if (again) { again = false; refresh(); }
    }
  }
  var first = true;
  var source = new EventSource("/events?interval=" + (live.dataset.interval || "0.3"));
  source.addEventListener("hello", function () { if (!first) refresh(); first = false; live.dataset.connected = "1"; });
  source.addEventListener("change", refresh);
  window.madoguchiRefresh = refresh;
})();
