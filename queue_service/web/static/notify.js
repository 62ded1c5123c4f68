// The visit page: subscribe to notifications (Web Push, e-mail), and tell the call
// to screen readers (aria-live) and by vibration where the phone allows it.
(function () {
  "use strict";
  var ja = document.documentElement.lang !== "en";
  function L(jaText, enText) { return ja ? jaText : enText; }
  var box = document.querySelector(".notify");
  var announce = document.getElementById("call-announce");
  var lastCall = null;

  function checkCall() {
    var ticket = document.querySelector("#live .ticket");
    if (!ticket || !announce) return;
    var called = ticket.classList.contains("state-called");
    var key = called ? ticket.textContent.replace(/\s+/g, " ").trim() : null;
    if (called && key !== lastCall) {
      var number = ticket.querySelector(".number");
      var where = ticket.querySelector(".cnum");
      var n = number ? number.textContent.trim() : "", w = where ? where.textContent.trim() : "";
      announce.textContent = ja ? (n ? n + "番のかた、" : "") + (w ? w + "へお越しください。" : "お呼びしています。")
        : "Number " + n + ", please come to " + (w || "the counter") + ".";
      if (navigator.vibrate) { try { navigator.vibrate([400, 200, 400, 200, 800]); } catch (e) { /* not allowed */ } }
    }
    lastCall = key;
  }
  checkCall();
  document.addEventListener("live:updated", checkCall);
  if (!box) return;

  var token = box.dataset.token;
  var status = box.querySelector(".notify-status");
  var off = document.getElementById("notify-off");
  var pushOn = document.getElementById("push-on");

  function show(message, ok) {
    status.textContent = message;
    status.classList.toggle("error", !ok);
  }
  async function post(channel, body) {
    var r = await fetch("/v/" + encodeURIComponent(token) + "/notify/" + channel, {
      method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body),
      credentials: "omit", cache: "no-store"});
    var answer = await r.json();
    show(answer.message, answer.ok);
    if (answer.ok && off) off.hidden = !(answer.subscribed && answer.subscribed.length);
    if (answer.ok) {
      var subscribed = answer.subscribed || [];
      status.dataset.subscribed = subscribed.join(" ");
      if (pushOn) pushOn.hidden = subscribed.indexOf("webpush") >= 0;
    }
    return answer;
  }
  function keyBytes(b64) {
    var s = atob((b64 + "===".slice((b64.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/"));
    var out = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
  }

  if (pushOn) {
    var supported = "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
    if (!supported) { pushOn.hidden = true; document.getElementById("push-hint").hidden = false; }
    pushOn.addEventListener("click", async function () {
      pushOn.disabled = true;
      try {
        if (await Notification.requestPermission() !== "granted") {
          show(L("通知が許可されませんでした。メールかLINEをご利用ください。", "Notifications were not allowed: use e-mail or LINE."), false);
          return;
        }
        var reg = await navigator.serviceWorker.register("/notify-sw.js", {scope: "/v/"});
        await navigator.serviceWorker.ready;
        var sub = await reg.pushManager.getSubscription() || await reg.pushManager.subscribe(
          {userVisibleOnly: true, applicationServerKey: keyBytes(box.dataset.vapid)});
        await post("webpush", sub.toJSON());
      } catch (e) {
        show(L("この端末では通知を登録できませんでした。メールかLINEをご利用ください。", "This phone could not subscribe: use e-mail or LINE."), false);
      } finally { pushOn.disabled = false; }
    });
  }
  var form = document.getElementById("way-email");
  if (form) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var input = document.getElementById("notify-email");
      if (!input.checkValidity() || !input.value) { show(L("メールアドレスをご確認ください。", "Please check the e-mail address."), false); input.focus(); return; }
      post("email", {address: input.value}).then(function (a) { if (a.ok) input.value = ""; });
    });
  }
  if (off) off.addEventListener("click", function () { post("off", {}); });
})();
