/* Instant job filters for the careers index (partials/filters.html).
 *
 * No framework and nothing loaded from elsewhere. The state lives in the URL query
 * (?q=...&company=...&department=...&office=...&remote=...&contract=...&tag=...), so a filtered list can be
 * shared and the back and forward buttons restore it. Without JavaScript the form stays hidden
 * and the facet pages (/departments/<slug>/ ...) do the same job.
 */
(function () {
  "use strict";

  var form = document.querySelector("form[data-filters]");
  if (!form || !window.URLSearchParams || !window.history.pushState) {
    return;
  }
  var FACETS = ["company", "department", "office", "remote", "contract", "tag"];
  var FIELDS = ["q"].concat(FACETS);
  var cards = Array.prototype.slice.call(document.querySelectorAll(".job-card"));
  var groups = Array.prototype.slice.call(document.querySelectorAll(".job-group"));
  var status = document.getElementById("filter-status");
  var empty = document.getElementById("filter-empty");
  var plural = window.Intl && Intl.PluralRules ? new Intl.PluralRules(document.documentElement.lang || "en") : null;
  var typing = false; // consecutive keystrokes in the search box share one history entry

  // Accents and case do not matter: "ingenieur" finds "Ingénieur".
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  var texts = cards.map(function (card) {
    return fold(card.textContent + " " + (card.getAttribute("data-search") || ""));
  });

  function stateFromForm() {
    var state = {};
    FIELDS.forEach(function (name) {
      var field = form.elements[name];
      var value = field ? field.value.trim() : "";
      if (value) {
        state[name] = value;
      }
    });
    return state;
  }

  function stateFromUrl() {
    var params = new URLSearchParams(window.location.search);
    var state = {};
    FIELDS.forEach(function (name) {
      var value = params.get(name);
      if (value) {
        state[name] = value;
      }
    });
    return state;
  }

  function fillForm(state) {
    FIELDS.forEach(function (name) {
      var field = form.elements[name];
      if (field) {
        field.value = state[name] || ""; // a value a <select> does not offer leaves it on "All"
      }
    });
  }

  function urlOf(state) {
    var params = new URLSearchParams(window.location.search);
    FIELDS.forEach(function (name) {
      params.delete(name);
      if (state[name]) {
        params.set(name, state[name]);
      }
    });
    var query = params.toString();
    return window.location.pathname + (query ? "?" + query : "") + window.location.hash;
  }

  function matches(index, state) {
    var card = cards[index];
    for (var i = 0; i < FACETS.length; i++) {
      var name = FACETS[i];
      if (state[name] && (" " + (card.getAttribute("data-" + name) || "") + " ").indexOf(" " + state[name] + " ") < 0) {
        return false;
      }
    }
    if (state.q) {
      var words = fold(state.q).split(/\s+/);
      for (var j = 0; j < words.length; j++) {
        if (texts[index].indexOf(words[j]) < 0) {
          return false;
        }
      }
    }
    return true;
  }

  function message(count) {
    var key = plural && plural.select(count) === "one" ? "data-count-one" : "data-count-other";
    return form.getAttribute(key).replace("{n}", count.toLocaleString(document.documentElement.lang || undefined));
  }

  // Show the cards that match, hide empty groups, and say how many are left.
  function apply(state, announce) {
    var shown = 0;
    cards.forEach(function (card, index) {
      var visible = matches(index, state);
      card.hidden = !visible;
      shown += visible ? 1 : 0;
    });
    groups.forEach(function (group) {
      group.hidden = !group.querySelector(".job-card:not([hidden])");
    });
    var filtered = Object.keys(state).length > 0;
    empty.hidden = shown > 0;
    form.classList.toggle("is-filtered", filtered);
    if (announce || filtered) {
      status.textContent = filtered ? message(shown) : form.getAttribute("data-count-all");
    }
  }

  function update(push) {
    var state = stateFromForm();
    var url = urlOf(state);
    if (url !== window.location.pathname + window.location.search + window.location.hash) {
      window.history[push ? "pushState" : "replaceState"](state, "", url);
    }
    apply(state, true);
  }

  function reset() {
    typing = false;
    fillForm({});
    update(true);
  }

  form.addEventListener("input", function (event) {
    if (event.target.name === "q") {
      update(!typing);
      typing = true;
    }
  });
  form.addEventListener("change", function (event) {
    if (event.target.name !== "q") {
      typing = false;
      update(true);
    }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault(); // the list is already filtered; Enter must not reload the page
    typing = false;
  });
  form.addEventListener("reset", function (event) {
    event.preventDefault();
    reset();
  });
  empty.querySelector("[data-reset]").addEventListener("click", function () {
    reset();
    form.elements.q.focus();
  });
  window.addEventListener("popstate", function () {
    typing = false;
    var state = stateFromUrl();
    fillForm(state);
    apply(stateFromForm(), true);
  });

  fillForm(stateFromUrl());
  apply(stateFromForm(), false);
})();
