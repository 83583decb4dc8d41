// Cross-device sign-in approval. On the waiting page (`data-approval="wait"`), polls the prompt's state and
// submits the finish form once it is answered or over. On the signed-in browser's pages (`data-approval="count"`),
// polls how many sign-ins wait for approval and shows the link when there are some. Without script both pages
// still work: the waiting page has a "Continue" button and the approvals page a reload.
(function () {
  "use strict";
  function poll(url, every, onReply) {
    let stopped = false;
    async function tick() {
      if (stopped) return;
      try {
        const reply = await fetch(url, { credentials: "same-origin", cache: "no-store" });
        if (reply.ok && onReply(await reply.json()) === false) {
          stopped = true;
          return;
        }
      } catch (e) {
        // A network hiccup: try again at the next tick.
      }
      setTimeout(tick, every);
    }
    setTimeout(tick, every);
  }
  document.addEventListener("DOMContentLoaded", function () {
    const wait = document.querySelector('[data-approval="wait"]');
    if (wait) {
      poll("/login/approval/status", 2000, function (reply) {
        if (reply.state === "pending") return true;
        wait.submit();
        return false;
      });
    }
    const count = document.querySelector('[data-approval="count"]');
    if (count) {
      poll("/account/approvals/count", 3000, function (reply) {
        const open = Number(reply.open) || 0;
        if (count.dataset.reload === "1") {
          if (open !== Number(count.dataset.open)) window.location.reload();
          return true;
        }
        count.hidden = open === 0;
        return true;
      });
    }
  });
})();
