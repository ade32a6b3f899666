// Live repayment schedule on the new-application page (templates/financing/application_new.html).
// As the borrower types the principal, the annual rate (in %), the term or the method, it posts them
// (debounced) to the quote endpoint in data-url and fills the table from the <template> the server
// rendered, so headers and labels stay translated. Amounts stay decimal strings: no floats near money.
// Without JavaScript, the "Show the schedule" button renders the same table on the server. No dependencies.
(function () {
  "use strict";
  var form = document.querySelector("[data-quote-form]");
  var box = form && form.querySelector("[data-quote]");
  if (!box || !window.fetch || !("content" in document.createElement("template"))) {
    return;
  }
  var url = box.getAttribute("data-url");
  var statusLine = box.querySelector("[data-quote-status]");
  var target = box.querySelector("[data-quote-table]");
  var template = box.querySelector("[data-quote-template]");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]");
  var fields = ["principal", "annual_rate", "term_months", "method"];
  var timer = null;
  var latest = 0; // only the answer to the latest request is shown
  var lastBody = null;

  function field(name) {
    return form.elements.namedItem(name);
  }

  function say(key) {
    var text = box.getAttribute("data-msg-" + key) || "";
    if (statusLine.textContent !== text) {
      statusLine.textContent = text; // a live region: speak on change only
    }
  }

  // "4.35" (%) → "0.0435", by moving the decimal point in the string.
  function percentToFraction(text) {
    var parts = text.split(".");
    var whole = parts[0].replace(/^0+/, "");
    while (whole.length < 2) {
      whole = "0" + whole;
    }
    return (whole.slice(0, -2) || "0") + "." + whole.slice(-2) + (parts[1] || "");
  }

  // "435416.67" → "¥435,416.67"
  function cny(text) {
    var parts = String(text).split(".");
    var whole = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    var cents = ((parts[1] || "") + "00").slice(0, 2);
    return "\u00a5" + whole + "." + cents;
  }

  function values() {
    var principal = (field("principal").value || "").trim();
    var rate = (field("annual_rate").value || "").trim();
    var months = (field("term_months").value || "").trim();
    var method = field("method").value;
    if (!/^\d{1,14}(\.\d{1,2})?$/.test(principal) || !/[1-9]/.test(principal)) {
      return null;
    }
    if (!/^\d{1,2}(\.\d{1,3})?$/.test(rate) || !/^\d{1,3}$/.test(months) || !method) {
      return null;
    }
    var n = parseInt(months, 10);
    if (n < 1 || n > 360) {
      return null;
    }
    return { principal: principal, annual_rate: percentToFraction(rate), months: n, method: method };
  }

  function cell(label, text, numeric) {
    var td = document.createElement("td");
    td.setAttribute("data-label", label);
    if (numeric) {
      td.className = "num";
    }
    td.textContent = text;
    return td;
  }

  function render(data, principal) {
    var copy = template.content.cloneNode(true);
    var labels = Array.prototype.map.call(copy.querySelectorAll("thead th"), function (th) {
      return th.textContent;
    });
    var body = copy.querySelector("[data-quote-rows]");
    data.schedule.forEach(function (p) {
      var tr = document.createElement("tr");
      tr.appendChild(cell(labels[0], String(p.period), false));
      tr.appendChild(cell(labels[1], cny(p.payment), true));
      tr.appendChild(cell(labels[2], cny(p.principal), true));
      tr.appendChild(cell(labels[3], cny(p.interest), true));
      tr.appendChild(cell(labels[4], cny(p.balance), true));
      body.appendChild(tr);
    });
    var totals = { total_payment: data.total_payment, total_interest: data.total_interest, principal: principal };
    copy.querySelectorAll("[data-quote-total]").forEach(function (td) {
      td.textContent = cny(totals[td.getAttribute("data-quote-total")]);
    });
    target.replaceChildren(copy);
  }

  function update() {
    var body = values();
    if (!body) {
      lastBody = null;
      target.replaceChildren();
      say("incomplete");
      return;
    }
    var key = JSON.stringify(body);
    if (key === lastBody) {
      return;
    }
    lastBody = key;
    var mine = ++latest;
    say("working");
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": token ? token.value : "",
      },
      body: key,
    })
      .then(function (response) {
        if (mine !== latest) {
          return;
        }
        if (!response.ok) {
          lastBody = null;
          target.replaceChildren();
          say(response.status === 400 ? "failed" : "offline");
          return;
        }
        return response.json().then(function (data) {
          if (mine === latest) {
            render(data, body.principal);
            say("ready");
          }
        });
      })
      .catch(function () {
        if (mine === latest) {
          lastBody = null;
          say("offline");
        }
      });
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(update, 350);
  }

  fields.forEach(function (name) {
    var el = field(name);
    if (el) {
      el.addEventListener("input", later);
      el.addEventListener("change", later);
    }
  });
  if (values()) {
    update(); // a form coming back with numbers (after an error) shows its schedule at once
  }
})();
