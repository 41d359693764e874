// The web chat: sends what the user types (or the button they press) to /api/messages and shows the
// replies. Text is always inserted as text, never as HTML. The conversation id lives only in this tab.
(function () {
  "use strict";
  var FALLBACK = "Sorry, I can't answer right now. If you are in danger, call 999 now. " +
    "You can talk to Childline free on 0800 1111, day or night.";
  var log = document.getElementById("log");
  var form = document.getElementById("composer");
  var input = document.getElementById("text");

  function conversationId() {
    var id = sessionStorage.getItem("conversation");
    if (!id) {
      id = (window.crypto && crypto.randomUUID) ? crypto.randomUUID()
        : String(Date.now()) + "-" + Math.random().toString(36).slice(2, 12);
      sessionStorage.setItem("conversation", id);
    }
    return id;
  }

  function addText(node, text) {
    // Links become clickable; everything else stays plain text.
    var parts = text.split(/(https?:\/\/[^\s)]+)/);
    parts.forEach(function (part) {
      if (/^https?:\/\//.test(part)) {
        var a = document.createElement("a");
        a.href = part; a.textContent = part; a.target = "_blank"; a.rel = "noopener noreferrer";
        node.appendChild(a);
      } else if (part) {
        node.appendChild(document.createTextNode(part));
      }
    });
  }

  function show(text, who, buttons) {
    var item = document.createElement("li");
    item.className = "msg " + who;
    addText(item, text);
    if (buttons && buttons.length) {
      var row = document.createElement("div");
      row.className = "buttons";
      buttons.forEach(function (b) {
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = b.title;
        button.addEventListener("click", function () {
          Array.prototype.forEach.call(row.querySelectorAll("button"), function (x) { x.disabled = true; });
          show(b.title, "me");
          send({ payload: b.payload });
        });
        row.appendChild(button);
      });
      item.appendChild(row);
    }
    log.appendChild(item);
    item.scrollIntoView({ block: "end" });
  }

  function send(body) {
    body.conversation = conversationId();
    return fetch("/api/messages", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body)
    }).then(function (response) { return response.json(); })
      .then(function (data) {
        (data.messages || []).forEach(function (m) { show(m.text, "bot", m.buttons); });
        // No messages means a person from the team has taken the chat over and will answer.
        if (!data.messages) { show(FALLBACK, "bot"); }
      })
      .catch(function () { show(FALLBACK, "bot"); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) { return; }
    input.value = "";
    show(text, "me");
    send({ text: text });
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
  });
  document.getElementById("leave").addEventListener("click", function () {
    sessionStorage.clear();
    log.textContent = "";
    window.location.replace("https://www.bbc.co.uk/weather");
  });

  // A person from the team may write at any time: fetch what they sent since the last check.
  var lastPushed = 0;
  function poll() {
    fetch("/api/messages?conversation=" + encodeURIComponent(conversationId()) + "&after=" + lastPushed)
      .then(function (response) { return response.json(); })
      .then(function (data) {
        (data.messages || []).forEach(function (m) {
          lastPushed = Math.max(lastPushed, m.timestamp);
          show(m.text, m.staff_name ? "bot staff" : "bot");
        });
      })
      .catch(function () { /* the next check tries again */ })
      .then(function () { window.setTimeout(poll, 1000); });
  }

  send({ payload: "/start" });
  poll();
}());
