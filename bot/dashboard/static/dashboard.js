// The staff dashboard's live parts: the queue and a case's transcript refresh themselves, and a
// reply is sent without reloading. Everything from the server is inserted as text, never as HTML.
(function () {
  "use strict";
  var body = document.body;

  function cell(row, text) {
    var td = document.createElement("td");
    td.textContent = text;
    row.appendChild(td);
    return td;
  }

  var AGE_BANDS = { under_13: "under 13", age_13_15: "13-15", age_16_17: "16-17" };
  function nice(value) { return String(value || "").replace(/_/g, " "); }

  function refreshQueue() {
    fetch("/staff/api/queue", { credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 401) { window.location.assign("/staff/login"); throw new Error("logged out"); }
        return response.json();
      })
      .then(function (data) {
        var tbody = document.querySelector("#queue tbody");
        tbody.textContent = "";
        data.cases.forEach(function (c) {
          var row = document.createElement("tr");
          row.className = "risk-" + c.risk_level;
          var link = document.createElement("a");
          link.href = "/staff/cases/" + c.id;
          link.textContent = "Case " + c.id;
          cell(row, "").appendChild(link);
          cell(row, c.risk_level);
          cell(row, c.reasons.join("; "));
          cell(row, nice(c.topic));
          cell(row, nice(c.role || "not said") + (c.age_band ? ", " + (AGE_BANDS[c.age_band] || nice(c.age_band)) : ""));
          cell(row, c.opened_at.replace("T", " ").replace("Z", " UTC"));
          cell(row, nice(c.status));
          cell(row, c.owner || "nobody yet");
          tbody.appendChild(row);
        });
        document.getElementById("queue-empty").hidden = data.cases.length > 0;
      })
      .catch(function () { /* the next refresh tries again */ })
      .then(function () { window.setTimeout(refreshQueue, 2000); });
  }

  var WHO = { user: "Young person", bot: "Bot", staff: "Staff" };
  var shown = 0;
  var caseStatus = null;

  function refreshTranscript() {
    var caseId = body.getAttribute("data-case-id");
    fetch("/staff/api/cases/" + caseId + "/transcript", { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var list = document.getElementById("transcript");
        data.lines.slice(shown).forEach(function (line) {
          var item = document.createElement("li");
          item.className = "line " + line.speaker;
          var who = document.createElement("span");
          who.className = "who";
          who.textContent = (WHO[line.speaker] || line.speaker) + (line.staff_name ? " (" + line.staff_name + ")" : "") +
            " · " + new Date(line.timestamp * 1000).toISOString().slice(11, 19) + " UTC";
          var text = document.createElement("span");
          text.className = "text";
          text.textContent = line.text;
          item.appendChild(who);
          item.appendChild(text);
          list.appendChild(item);
        });
        shown = data.lines.length;
        if (caseStatus !== null && caseStatus !== data.status) { window.location.reload(); }
        caseStatus = data.status;
      })
      .catch(function () { /* the next refresh tries again */ })
      .then(function () { window.setTimeout(refreshTranscript, 1000); });
  }

  function sendRepliesInPlace() {
    var form = document.getElementById("reply");
    if (!form) { return; }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var field = form.querySelector("textarea");
      var text = field.value.trim();
      if (!text) { return; }
      fetch(form.action, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "X-CSRF-Token": body.getAttribute("data-csrf") },
        body: new URLSearchParams({ text: text }).toString()
      }).then(function (response) { return response.json(); })
        .then(function (data) {
          field.value = "";
          if (!data.delivered) {
            window.alert("Saved in the conversation, but not delivered yet: the young person has not written since the service restarted.");
          }
        })
        .catch(function () { window.alert("The reply could not be sent. Try again."); });
    });
  }

  if (body.getAttribute("data-page") === "queue") { refreshQueue(); }
  if (body.getAttribute("data-page") === "case") { refreshTranscript(); sendRepliesInPlace(); }
}());
