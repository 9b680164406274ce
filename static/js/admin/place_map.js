// A small Leaflet map of a place on the admin change forms (events, places).
// Reads the position from data-* attributes on .admin-place-map: the page's CSP allows no inline script.
(function () {
  "use strict";

  function init(el) {
    if (typeof L === "undefined") {
      el.textContent = "The map library did not load.";
      return;
    }
    var lat = parseFloat(el.dataset.lat);
    var lon = parseFloat(el.dataset.lon);
    if (isNaN(lat) || isNaN(lon)) {
      return;
    }
    var map = L.map(el, { scrollWheelZoom: false }).setView([lat, lon], 10);
    L.tileLayer(el.dataset.tiles, {
      maxZoom: 18,
      attribution: "&copy; OpenStreetMap contributors",
    }).addTo(map);
    // A circle marker needs no image (the default marker icon would come from the CDN, which img-src refuses).
    // Leaflet treats a string tooltip as HTML: hand it a text node instead.
    var label = document.createElement("span");
    label.textContent = el.dataset.label || "";
    L.circleMarker([lat, lon], { radius: 8, weight: 2 }).addTo(map).bindTooltip(label);
    el.dataset.ready = "1";
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".admin-place-map").forEach(init);
  });
})();
