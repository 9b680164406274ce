/* Timeline filter form: actor and place suggestions as the reader types; the sub-type list offers only the
   sub-types of the chosen event type (without this script every sub-type stays available and the server checks
   the pair); folded on narrow screens. */
(function () {
  "use strict";
  // On a phone the form would fill the first screen: start it folded there (the <summary> unfolds it).
  document.querySelectorAll("details[data-collapse-narrow]").forEach(function (box) {
    if (window.matchMedia("(max-width: 60rem)").matches) {
      box.open = false;
    }
  });
  // Actor and place are typed: suggestions (slug as the value, name as the label) come from a small JSON endpoint
  // as the reader types, instead of hundreds of <option>s on every page. Without this script a slug or a full name
  // typed in still works: the server resolves both.
  document.querySelectorAll("input[data-suggest]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    var timer = null;
    var asked = "";
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var text = input.value.trim();
        if (!text || text === asked) {
          return;
        }
        asked = text;
        window.fetch(input.dataset.suggest + "?q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) {
            if (asked !== text) {
              return;  // the reader typed on; a newer answer is coming
            }
            list.replaceChildren.apply(list, data.results.map(function (item) {
              var option = document.createElement("option");
              option.value = item.value;
              option.label = item.label;  // a property, never parsed as HTML
              return option;
            }));
            input.dataset.suggested = String(data.results.length);
          })
          .catch(function () { /* no suggestions: typing a slug or a name still works */ });
      }, 150);
    });
  });

  var typeSelect = document.querySelector("select[data-subtype-target]");
  if (!typeSelect) {
    return;
  }
  var subSelect = document.getElementById(typeSelect.dataset.subtypeTarget);

  function sync() {
    var chosen = typeSelect.value;
    subSelect.querySelectorAll("optgroup").forEach(function (group) {
      var match = !chosen || group.label === chosen;
      group.hidden = !match;
      group.disabled = !match;
      if (!match && group.querySelector("option:checked")) {
        subSelect.value = "";
      }
    });
  }

  typeSelect.addEventListener("change", sync);
  sync();
})();
