// Control-zone geometry editor for the admin: the GeoJSON textarea stays the source of truth (it is what the form
// submits and what the server validates); the map previews it, and drawing or editing shapes with leaflet-draw
// writes the result back into it. Configured by data-* attributes on the textarea: the CSP allows no inline code.
(function () {
  "use strict";

  var IDLIB = [35.93, 36.63];

  function polygonsOf(geometry) {
    if (!geometry || typeof geometry !== "object") {
      return [];
    }
    if (geometry.type === "Polygon") {
      return [geometry.coordinates];
    }
    if (geometry.type === "MultiPolygon") {
      return geometry.coordinates;
    }
    throw new Error("The geometry must be a Polygon or a MultiPolygon, not " + geometry.type + ".");
  }

  function init(textarea) {
    var status = document.createElement("p");
    status.className = "zone-editor-status help";
    var el = document.createElement("div");
    el.className = "admin-map zone-editor-map";
    // Below the whole field (label, textarea, help text), full width, not squeezed beside the textarea.
    var row = textarea.closest(".form-row") || textarea.parentNode;
    row.appendChild(el);
    row.appendChild(status);

    if (typeof L === "undefined" || typeof L.Control.Draw === "undefined") {
      status.textContent = "The map libraries did not load; edit the GeoJSON directly.";
      return;
    }
    var map = L.map(el).setView(IDLIB, 9);
    L.tileLayer(textarea.dataset.tiles, { maxZoom: 18, attribution: "&copy; OpenStreetMap contributors" }).addTo(map);
    var drawn = new L.FeatureGroup().addTo(map);

    function say(text, isError) {
      status.textContent = text;
      status.classList.toggle("error", !!isError);
    }

    // One Leaflet polygon per GeoJSON polygon, so leaflet-draw can edit and delete each part of a MultiPolygon.
    function load() {
      drawn.clearLayers();
      var text = textarea.value.trim();
      if (!text) {
        say("Draw the zone with the polygon or rectangle tool.", false);
        return;
      }
      var polygons;
      try {
        polygons = polygonsOf(JSON.parse(text));
      } catch (err) {
        say("The map cannot show this GeoJSON: " + err.message, true);
        return;
      }
      polygons.forEach(function (rings) {
        L.geoJSON({ type: "Polygon", coordinates: rings }).eachLayer(function (layer) {
          drawn.addLayer(layer);
        });
      });
      if (drawn.getLayers().length) {
        map.fitBounds(drawn.getBounds(), { padding: [20, 20] });
      }
      say(polygons.length + " polygon" + (polygons.length === 1 ? "" : "s") + " on the map.", false);
    }

    function save() {
      var polygons = drawn.getLayers().map(function (layer) {
        return layer.toGeoJSON().geometry.coordinates;
      });
      var geometry = "";
      if (polygons.length === 1) {
        geometry = JSON.stringify({ type: "Polygon", coordinates: polygons[0] });
      } else if (polygons.length > 1) {
        geometry = JSON.stringify({ type: "MultiPolygon", coordinates: polygons });
      }
      textarea.value = geometry;
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
      say(polygons.length + " polygon" + (polygons.length === 1 ? "" : "s") + " drawn; save to keep them.", false);
    }

    map.addControl(
      new L.Control.Draw({
        edit: { featureGroup: drawn },
        draw: {
          // showArea off: leaflet-draw 1.0.4 throws "type is not defined" computing the area label.
          polygon: { showArea: false },
          rectangle: { showArea: false },
          polyline: false,
          circle: false,
          marker: false,
          circlemarker: false,
        },
      })
    );
    map.on(L.Draw.Event.CREATED, function (e) {
      drawn.addLayer(e.layer);
      save();
    });
    map.on(L.Draw.Event.EDITED, save);
    map.on(L.Draw.Event.DELETED, save);
    textarea.addEventListener("change", load);
    load();
    el.dataset.ready = "1";
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[data-zone-editor]").forEach(init);
  });
})();
