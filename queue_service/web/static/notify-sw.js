// Service worker of the visit pages: shows the notifications the queue service pushes.
// One notification per visit (tag): a message sent twice after a crash shows once.
self.addEventListener("push", function (event) {
  var n = {};
  try { n = event.data ? event.data.json() : {}; } catch (e) { n = {title: "窓口", body: event.data.text()}; }
  var called = n.kind === "called";
  event.waitUntil(self.registration.showNotification(n.title || "窓口のお知らせ", {
    body: n.body || "", tag: n.tag || "madoguchi", renotify: true, lang: "ja",
    requireInteraction: called, vibrate: called ? [400, 200, 400, 200, 800] : [200, 100, 200],
    data: {url: n.url || "/"}
  }));
});
self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = (event.notification.data && event.notification.data.url) || "/";
  event.waitUntil(clients.matchAll({type: "window", includeUncontrolled: true}).then(function (list) {
    for (var i = 0; i < list.length; i++) {
      if (new URL(list[i].url).pathname === new URL(url, self.location).pathname) return list[i].focus();
    }
    return clients.openWindow(url);
  }));
});
