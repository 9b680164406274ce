/* Small maps on the dashboard, event and place pages: the control zones on one date and, when given, one spot with
   the places around it. A map names its controllers in a legend when the page gives it a list for one
   ([data-spotmap-legend] naming the map's config), as the dashboard's does. */
(function () {
  "use strict";
  if (typeof window.L === "undefined" || !window.IdlibMap) {
    return;
  }
  var M = window.IdlibMap;

  // One row per controller on show, in the zones' own colours (line and translucent fill, as on the map).
  function drawLegend(list, data) {
    list.replaceChildren();
    var seen = new Map();
    data.features.forEach(function (f) {
      if (!seen.has(f.properties.controller_slug)) {
        seen.set(f.properties.controller_slug, f.properties);
      }
    });
    seen.forEach(function (props) {
      var item = M.element("li", "legend__item");
      var swatch = M.element("span", "legend__swatch legend__swatch--zone");
      swatch.style.borderColor = props.color;
      swatch.style.setProperty("--zone-color", props.color);
      swatch.setAttribute("aria-hidden", "true");
      item.appendChild(swatch);
      item.appendChild(M.element("span", "legend__label", props.controller));
      list.appendChild(item);
    });
    if (!seen.size) {
      list.appendChild(M.element("li", "muted", "No control zone recorded for today."));
    }
  }

  // The towns around a place: small dots, the nearest few named, each leading to its own page. With no tile
  // server (or offline) this and the zones are what tells a reader where the place lies.
  function drawNearby(map, config) {
    var layer = window.L.featureGroup().addTo(map);
    config.nearby.forEach(function (place, i) {
      var dot = window.L.circleMarker(place.point, {
        pane: "places",
        className: "nearby-place",
        radius: place.major ? 4.5 : 3,
        color: "#3d4650",
        weight: 1,
        fillColor: "#ffffff",
        fillOpacity: 1
      }).addTo(layer);
      // Labels point away from the place itself, so they never sit under its own name.
      var west = place.point[1] < config.point[1];
      dot.bindTooltip(place.name, {
        permanent: i < 6 || place.major,
        direction: west ? "left" : "right",
        offset: [west ? -4 : 4, 0],
        className: "nearby-label"
      });
      dot.on("click", function () { window.location.assign(place.url); });
    });
    return layer;
  }

  // A neighbour's name that would cover the place's own name or a nearer neighbour's is shown on hover only: the
  // place first, then its neighbours nearest first, each kept only where it overlaps nothing kept before it.
  function declutter(spot, nearby) {
    var kept = [];
    function overlaps(a) {
      return kept.some(function (b) {
        return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
      });
    }
    var layers = [spot].concat(nearby ? nearby.getLayers() : []);
    layers.forEach(function (layer) {
      var tooltip = layer.getTooltip();
      var node = tooltip && tooltip.getElement();
      if (!node || !tooltip.options.permanent) {
        return;
      }
      var box = node.getBoundingClientRect();
      if (layer !== spot && overlaps(box)) {
        var name = tooltip.getContent();
        layer.unbindTooltip();
        layer.bindTooltip(name, { direction: "right", className: "nearby-label" });
        return;
      }
      kept.push(box);
    });
  }

  document.querySelectorAll("[data-spotmap]").forEach(function (el) {
    var config = M.readConfig(el.dataset.spotmap);
    if (!config) {
      return;
    }
    var map = M.createMap(el, config, { scrollWheelZoom: false, zoom: config.point ? 10 : 8 });
    if (config.point) {
      map.setView(config.point, 10);
    }
    var zones = M.zonesLayer().addTo(map);
    // Places and the spot above the zones, whose polygons arrive later and would otherwise cover them.
    map.createPane("places").style.zIndex = "450";
    var nearbyLayer = null;
    if (config.nearby && config.nearby.length) {
      nearbyLayer = drawNearby(map, config);
      // Frame the place among its neighbours, not at an arbitrary zoom.
      map.fitBounds(nearbyLayer.getBounds().extend(config.point), { padding: [24, 24], maxZoom: 12, animate: false });
      window.L.control.scale({ imperial: false, maxWidth: 90 }).addTo(map);
      el.dataset.nearby = String(config.nearby.length);
    }
    var legend = document.querySelector('[data-spotmap-legend="' + el.dataset.spotmap + '"]');
    M.fetchJSON(config.zonesUrl + "?date=" + encodeURIComponent(config.date)).then(function (data) {
      zones.addData(data);
      if (!config.point && zones.getLayers().length) {
        map.fitBounds(zones.getBounds(), { padding: [8, 8] });
      }
      if (legend) {
        drawLegend(legend, data);
      }
      // The dashboard's map of today says so when its zones are old (a caption element names the map's config).
      var caption = document.querySelector('[data-spotmap-caption="' + el.dataset.spotmap + '"]');
      var stale = caption ? M.staleZonesNote(config.date, data) : "";
      if (stale) {
        caption.textContent = stale;
        caption.hidden = false;
      }
      el.dataset.zones = String(zones.getLayers().length);
    }).catch(function () {
      el.dataset.zones = "error";
    });
    if (config.point) {
      var spot = window.L.circleMarker(config.point, {
        pane: "places",
        className: "event-marker spot-marker",
        radius: 8,
        color: "#ffffff",
        weight: 2,
        fillColor: config.color,
        fillOpacity: 1
      }).addTo(map);
      // The place of a place page is named on the map; an event's place is named on hover.
      spot.bindTooltip(config.label, config.nearby ? { permanent: true, direction: "top", offset: [0, -6], className: "spot-label" } : {});
      if (config.nearby) {
        declutter(spot, nearbyLayer);
      }
    }
  });
})();
