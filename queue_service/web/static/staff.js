// Staff pages: actions sent with fetch (CSRF header), a toast with the result, and
// keyboard shortcuts for the frequent counter actions (N R A S F H).
(function () {
  "use strict";
  var toastTimer = null;
  function toast(message, ok) {
    var el = document.getElementById("toast");
    if (!el) return;
    el.textContent = message;
    el.className = ok ? "show ok" : "show bad";
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { el.className = ""; }, 4000);
  }
  // Reports: show another department's heat map in place (no inline script: CSP).
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form.matches("form[data-heatmap]")) return;
    ev.preventDefault();
    document.getElementById("heat").src = form.dataset.heatmap + form.dept.value + ".png";
  });
  document.addEventListener("submit", async function (ev) {
    var form = ev.target;
    if (!form.matches("form[data-action]")) return;
    ev.preventDefault();
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) return;
    var meta = document.querySelector("meta[name=csrf]");
    var buttons = form.querySelectorAll("button");
    buttons.forEach(function (b) { b.disabled = true; });
    try {
      var r = await fetch(form.action, {
        method: "POST", body: new FormData(form), credentials: "same-origin",
        headers: {"X-Requested-With": "fetch", "X-CSRF-Token": meta ? meta.content : ""}
      });
      var data = {};
      try { data = await r.json(); } catch (e) { /* not JSON */ }
      if (r.status === 401) { location.href = "/staff/login?next=" + encodeURIComponent(location.pathname); return; }
      toast(data.message || "処理できませんでした。\nThat did not work.", r.ok);
    } catch (e) {
      toast("サーバーに接続できません。\nThe server cannot be reached.", false);
    } finally {
      buttons.forEach(function (b) { b.disabled = false; });
      if (window.madoguchiRefresh) window.madoguchiRefresh();
    }
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.repeat) return;
    var tag = document.activeElement ? document.activeElement.tagName : "";
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA") return;
    var button = document.querySelector('button[data-key="' + ev.key.toLowerCase() + '"]');
    if (button && !button.disabled) { ev.preventDefault(); button.click(); }
  });
})();
