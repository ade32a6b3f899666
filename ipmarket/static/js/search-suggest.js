// The search pages (/firms/, /ip/; templates/search/*). No dependencies.
//
// 1. Suggestions under the search box: the WAI-ARIA combobox pattern with a listbox popup. The box
//    asks /api/v1/search/suggest/?q= once typing pauses, cancelling the request still in flight;
//    arrow keys move through the suggestions (aria-activedescendant), Enter opens the chosen one
//    (an organisation's page, a patent's or a trademark's), Escape closes the list (and, pressed
//    again, clears the box). Without JavaScript the box is a plain search form.
// 2. On phones the filter panel starts closed, above the results; from the sidebar width up it is
//    always open.
(function () {
  "use strict";

  var DEBOUNCE_MS = 200;
  var MAX_LENGTH = 100; // what the suggest endpoint accepts

  function setupSuggest(input) {
    var list = document.getElementById(input.getAttribute("aria-controls"));
    var status = input.form.querySelector("[data-suggest-status]");
    var kindsElement = document.getElementById(input.dataset.kindLabels);
    var kinds = kindsElement ? JSON.parse(kindsElement.textContent) : {};
    var timer = null;
    var controller = null;
    var options = [];
    var active = -1;
    var shownFor = null; // the text the current suggestions answer

    function url(item) {
      var pattern = input.dataset.firmUrl;
      if (item.kind === "patent") pattern = input.dataset.patentUrl;
      if (item.kind === "trademark") pattern = input.dataset.trademarkUrl;
      return pattern.replace(/\/0\/$/, "/" + encodeURIComponent(item.id) + "/");
    }

    function isOpen() {
      return !list.hidden;
    }

    function open() {
      if (!options.length) return;
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      setActive(-1);
    }

    function setActive(index) {
      if (active >= 0 && options[active]) options[active].setAttribute("aria-selected", "false");
      active = index;
      if (index < 0) {
        input.removeAttribute("aria-activedescendant");
        return;
      }
      var option = options[index];
      option.setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    }

    function announce(count) {
      if (count === 0) status.textContent = input.dataset.countNone;
      else if (count === 1) status.textContent = input.dataset.countOne;
      else status.textContent = input.dataset.countMany.replace("%(n)s", String(count));
    }

    function go(option) {
      close();
      window.location.assign(option.dataset.href);
    }

    function render(items, text) {
      list.textContent = "";
      active = -1;
      input.removeAttribute("aria-activedescendant");
      options = items.map(function (item, index) {
        var option = document.createElement("li");
        option.id = list.id + "-" + index;
        option.className = "suggest-option";
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.dataset.href = url(item);
        var name = document.createElement("span");
        name.className = "suggest-text";
        name.textContent = item.text;
        var kind = document.createElement("span");
        kind.className = "suggest-kind";
        kind.textContent = kinds[item.kind] || item.kind;
        option.appendChild(name);
        option.appendChild(document.createTextNode(" "));
        option.appendChild(kind);
        // Keep the focus in the box when a suggestion is clicked.
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
        });
        option.addEventListener("click", function () {
          go(option);
        });
        list.appendChild(option);
        return option;
      });
      shownFor = text;
      announce(options.length);
      if (options.length) open();
      else close();
    }

    function clear() {
      if (controller) controller.abort();
      controller = null;
      list.textContent = "";
      options = [];
      shownFor = null;
      status.textContent = "";
      close();
    }

    function load() {
      var text = input.value.trim().slice(0, MAX_LENGTH);
      if (!text) {
        clear();
        return;
      }
      if (text === shownFor) {
        open();
        return;
      }
      if (controller) controller.abort(); // a stale request must not overwrite newer suggestions
      controller = new AbortController();
      var mine = controller;
      fetch(input.dataset.suggestUrl + "?" + new URLSearchParams({ q: text }), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        signal: mine.signal,
      })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (body) {
          if (mine !== controller) return;
          controller = null;
          render(body.suggestions || [], text);
        })
        .catch(function (error) {
          if (error.name === "AbortError") return;
          clear(); // the search form still works: suggestions are a convenience
        });
    }

    input.addEventListener("input", function (event) {
      if (event.isComposing) return; // wait for the input method to commit (pinyin and the like)
      window.clearTimeout(timer);
      timer = window.setTimeout(load, DEBOUNCE_MS);
    });
    input.addEventListener("compositionend", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(load, DEBOUNCE_MS);
    });

    input.addEventListener("keydown", function (event) {
      if (event.isComposing) return;
      switch (event.key) {
        case "ArrowDown":
          event.preventDefault();
          if (!isOpen()) {
            if (options.length && input.value.trim() === shownFor) open();
            else load();
            if (!options.length || !isOpen()) return;
          }
          setActive(active + 1 < options.length ? active + 1 : 0);
          break;
        case "ArrowUp":
          event.preventDefault();
          if (!isOpen()) {
            open();
            if (!isOpen()) return;
          }
          setActive(active > 0 ? active - 1 : options.length - 1);
          break;
        case "Enter":
          if (isOpen() && active >= 0) {
            event.preventDefault();
            go(options[active]);
          }
          break; // otherwise the form is submitted: a search for the text typed
        case "Escape":
          if (isOpen()) {
            event.preventDefault();
            close();
          } else if (input.value) {
            event.preventDefault();
            input.value = "";
            clear();
          }
          break;
        case "Tab":
          close();
          break;
        default:
          break;
      }
    });

    input.addEventListener("blur", function () {
      close();
    });
  }

  function setupFilters(panel) {
    var wide = window.matchMedia("(min-width: 900px)");
    if (!wide.matches) panel.open = false;
    var follow = function (event) {
      if (event.matches) panel.open = true;
    };
    if (wide.addEventListener) wide.addEventListener("change", follow);
    else wide.addListener(follow);
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("input[data-suggest-url]"), setupSuggest);
    Array.prototype.forEach.call(document.querySelectorAll("details[data-search-filters]"), setupFilters);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
