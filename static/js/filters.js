/* Timeline filter form: the sub-type list offers only the sub-types of the chosen event type (without this
   script every sub-type stays available and the server checks the pair); folded on narrow screens. */
(function () {
  "use strict";
  // On a phone the form would fill the first screen: start it folded there (the <summary> unfolds it).
  document.querySelectorAll("details[data-collapse-narrow]").forEach(function (box) {
    if (window.matchMedia("(max-width: 60rem)").matches) {
      box.open = false;
    }
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
